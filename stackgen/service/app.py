"""`create_app`: the instrumented demo service for one service of a spec, as a Starlette app."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from stackgen import __version__
from stackgen.model import Service, Spec
from stackgen.service import api
from stackgen.service.auth import Auth
from stackgen.service.database import Database, DatabaseError
from stackgen.service.faults import FAULTS, Faults
from stackgen.service.http_metrics import HttpMetrics, HttpMetricsMiddleware
from stackgen.service.metrics import EXPOSITION_CONTENT_TYPE, ServiceError, SpecMetrics, served_metrics
from stackgen.service.sdwan import SdwanEngine
from stackgen.service.system import SystemMetrics
from stackgen.service.traffic import Traffic

log = logging.getLogger("stackgen.service")
PURGE_EVERY = 60  # maintenance rounds between purges of expired tokens


@dataclass(frozen=True)
class ServeOptions:
    faults: bool = False  # expose /admin/faults
    tick: float = 1.0  # seconds between probe, traffic and maintenance rounds
    traffic: bool = True  # generate the service's own background traffic
    instrument_http: bool = True  # False only to measure the middleware's cost
    users: dict[str, str] = field(default_factory=dict)  # extra login users: name -> password
    seed: int | None = None  # for the simulation's randomness


def pick_service(spec: Spec, name: str | None) -> Service:
    """The service to impersonate: the named one, else the first."""
    if name is None:
        return spec.services[0]
    for service in spec.services:
        if service.name == name:
            return service
    raise ServiceError(f"{spec.file}: no service '{name}' (services: {', '.join(s.name for s in spec.services)})")


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _database_error(request: Request, exc: DatabaseError) -> JSONResponse:
    log.info("%s %s: %s", request.method, request.url.path, exc)  # the metrics carry the signal
    return JSONResponse({"error": "database unavailable"}, status_code=503)


def _health_routes(service: Service, state: api.ServiceState) -> list[Route]:
    async def basic(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "service": service.name})

    async def live(request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive"})

    async def ready(request: Request) -> JSONResponse:
        problems = {"database": state.db.healthy(), "sdwan_engine": state.engine.readiness()}
        failing = sorted(name for name, problem in problems.items() if problem)
        components = {name: {"healthy": not problem, **({"reason": problem} if problem else {})}
                      for name, problem in problems.items()}
        body = {"status": "not ready" if failing else "ready", "failing": failing, "components": components}
        return JSONResponse(body, status_code=503 if failing else 200)

    async def metrics(request: Request) -> Response:
        return Response(state.metrics.exposition(), media_type=EXPOSITION_CONTENT_TYPE)

    paths = service.health
    return [Route(paths.get("basic", "/health"), basic, methods=["GET"]),
            Route(paths.get("live", "/health/live"), live, methods=["GET"]),
            Route(paths.get("ready", "/health/ready"), ready, methods=["GET"]),
            Route(service.metrics_path, metrics, methods=["GET"])]


def _fault_routes(faults: Faults) -> list[Route]:
    async def list_faults(request: Request) -> JSONResponse:
        return JSONResponse({"faults": faults.describe()})

    async def set_fault(request: Request) -> JSONResponse:
        data = await api.read_json(request)
        name, active = data.get("fault"), data.get("active")
        if name not in FAULTS or not isinstance(active, bool):
            raise HTTPException(422, f"send {{\"fault\": NAME, \"active\": true|false}}, NAME one of {', '.join(FAULTS)}")
        faults.set(name, active)
        log.warning("fault %s %s", name, "on" if active else "off")
        return JSONResponse({"fault": name, **faults.describe()[name]})

    return [Route("/admin/faults", list_faults, methods=["GET"]), Route("/admin/faults", set_fault, methods=["POST"])]


def create_app(spec: Spec, service_name: str | None = None, options: ServeOptions = ServeOptions()) -> Starlette:
    """The service, its metrics registered from the spec; background loops run while the app is served."""
    service = pick_service(spec, service_name)
    metrics = SpecMetrics(served_metrics(spec, service.name))
    faults = Faults()
    db = Database(metrics, faults)
    robot = "traffic-robot"
    users = {robot: secrets.token_urlsafe(16), "admin": secrets.token_urlsafe(16), **options.users}
    auth = Auth(db, metrics, users)
    engine = SdwanEngine(db, metrics, faults, options.tick, seed=options.seed)
    system = SystemMetrics(metrics, __version__, auth.active_users)
    state = api.ServiceState(metrics, db, auth, engine, faults, options.tick,
                             ws_sent=metrics.claim("websocket_messages_sent_total", "counter", ["type"]),
                             ws_received=metrics.claim("websocket_messages_received_total", "counter", ["type"]),
                             ws_active=metrics.claim("websocket_connections_active", "gauge"))
    for kind in api.WS_SENT_TYPES:
        state.ws_sent.labels(type=kind)
    for kind in api.WS_RECEIVED_TYPES:
        state.ws_received.labels(type=kind)
    middleware = [Middleware(HttpMetricsMiddleware, recorder=HttpMetrics(metrics))] if options.instrument_http else []
    routes = _health_routes(service, state) + api.ROUTES + (_fault_routes(faults) if options.faults else [])
    app: Starlette

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        engine.probe_round()  # values and readiness from the first scrape on
        system.update()
        loops = [engine.run(), _maintain(auth, system, options.tick)]
        if options.traffic:
            loops.append(Traffic(app, faults, options.tick, robot, users[robot], seed=options.seed).run())
        tasks = [asyncio.create_task(loop) for loop in loops]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            db.close()

    handlers = {HTTPException: _http_error, DatabaseError: _database_error}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan)
    app.state.service = state
    metrics.expose_unclaimed()  # after every component has claimed what it drives
    return app


async def _maintain(auth: Auth, system: SystemMetrics, tick: float) -> None:
    rounds = 0
    while True:
        await asyncio.sleep(tick)
        rounds += 1
        try:
            system.update()
            if rounds % PURGE_EVERY == 0:
                auth.purge_expired()
        except DatabaseError as exc:  # counted in db_errors_total and shown by /health/ready
            log.debug("maintenance round: %s", exc)
        except Exception:  # a background loop must outlive any one bad round
            log.exception("maintenance round failed")
