"""The Patronus SD-WAN scenario: real work behind the default spec's metrics.

A simulated SD-WAN (sites and paths in SQLite, probed every tick), login with scrypt and tokens, the
sites/paths API, a WebSocket path-status stream and the service's own background traffic. Its named faults
make that real work fail; they are also the way its alerts are fired (`alert_aliases`).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import Any

from stackgen.service.patronus import api
from stackgen.service.patronus.auth import Auth
from stackgen.service.patronus.database import Database, DatabaseError
from stackgen.service.patronus.sdwan import SdwanEngine
from stackgen.service.patronus.traffic import Traffic
from stackgen.service.scenario import Scenario, ScenarioContext, ScenarioParts

log = logging.getLogger("stackgen.service")
PURGE_EVERY = 60  # maintenance rounds between purges of expired tokens
ROBOT = "traffic-robot"

PATRONUS_FAULTS = {
    "path_down": "one path answers no probes: sdwan_path_up 0, its packet loss 1.0",
    "high_latency": "one path's probe latency rises to about 0.3 s",
    "packet_loss": "one path loses about 15% of its probes",
    "db_errors": "every database query fails (db_errors_total rises; /health/ready names the database)",
    "login_failures": "the built-in traffic adds failed logins, so most login attempts fail",
    "not_ready": "the SD-WAN engine reports itself not ready: /health/ready answers 503",
    "slow_http": "API requests take about 1.5 s (the built-in traffic keeps some flowing)",
}
ALERT_ALIASES = {
    "PathDown": "path_down",
    "HighPathLatency": "high_latency",
    "HighPacketLoss": "packet_loss",
    "DatabaseErrors": "db_errors",
    "HighLoginFailureRate": "login_failures",
    "SlowHTTPResponses": "slow_http",
}


async def _database_error(request: Any, exc: DatabaseError) -> Any:
    from starlette.responses import JSONResponse

    log.info("%s %s: %s", request.method, request.url.path, exc)  # the metrics carry the signal
    return JSONResponse({"error": "database unavailable"}, status_code=503)


def build(ctx: ScenarioContext) -> ScenarioParts:
    metrics, faults, options = ctx.metrics, ctx.faults, ctx.options
    db = Database(metrics, faults)
    users = {ROBOT: secrets.token_urlsafe(16), "admin": secrets.token_urlsafe(16), **options.users}
    auth = Auth(db, metrics, users)
    engine = SdwanEngine(db, metrics, faults, options.tick, seed=options.seed)
    state = api.ServiceState(metrics, db, auth, engine, faults, options.tick,
                             ws_sent=metrics.claim("websocket_messages_sent_total", "counter", ["type"]),
                             ws_received=metrics.claim("websocket_messages_received_total", "counter", ["type"]),
                             ws_active=metrics.claim("websocket_connections_active", "gauge"))
    for kind in api.WS_SENT_TYPES:
        state.ws_sent.labels(type=kind)
    for kind in api.WS_RECEIVED_TYPES:
        state.ws_received.labels(type=kind)
    loops = [lambda app: engine.run(), lambda app: _maintain(auth, options.tick)]
    if options.traffic:
        loops.append(lambda app: Traffic(app, faults, options.tick, ROBOT, users[ROBOT], seed=options.seed).run())
    return ScenarioParts(routes=list(api.ROUTES), readiness={"database": db.healthy, "sdwan_engine": engine.readiness},
                         loops=loops, on_start=[engine.probe_round], on_stop=[db.close],
                         exception_handlers={DatabaseError: _database_error}, state=state,
                         active_users=auth.active_users)


async def _maintain(auth: Auth, tick: float) -> None:
    rounds = 0
    while True:
        await asyncio.sleep(tick)
        rounds += 1
        if rounds % PURGE_EVERY:
            continue
        try:
            auth.purge_expired()
        except DatabaseError as exc:  # counted in db_errors_total and shown by /health/ready
            log.debug("maintenance round: %s", exc)


PATRONUS = Scenario("patronus", PATRONUS_FAULTS, ALERT_ALIASES, build)
