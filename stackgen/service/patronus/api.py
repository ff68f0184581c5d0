"""The Patronus scenario's API: login, token refresh, sites and paths, and the WebSocket path-status stream."""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from stackgen.service.bodies import is_text, read_json, require_str
from stackgen.service.faults import Faults
from stackgen.service.inprocess import INTERNAL_SCOPE_KEY
from stackgen.service.metrics import SpecMetrics
from stackgen.service.patronus.auth import Auth, Refused
from stackgen.service.patronus.database import Database, DatabaseError
from stackgen.service.patronus.sdwan import SdwanEngine
from stackgen.service.ratelimit import RateLimit

SLOW_HTTP_SECONDS = 1.5
MAX_WEBSOCKETS = 64
MAX_PENDING_WEBSOCKETS = 256  # sockets still to authenticate; uvicorn's limit_concurrency bounds the rest
WS_AUTH_TIMEOUT = 10.0
LOGINS_PER_CLIENT = (30, 60.0)  # attempts, seconds
LOGINS_PER_USER = (10, 60.0)
WS_SENT_TYPES = ("status", "pong", "error")
WS_RECEIVED_TYPES = ("auth", "ping", "invalid")


@dataclass
class ServiceState:
    """Everything the handlers share; lives on `app.state.service`."""

    metrics: SpecMetrics
    db: Database
    auth: Auth
    engine: SdwanEngine
    faults: Faults
    tick: float
    client_logins: RateLimit = field(default_factory=lambda: RateLimit(*LOGINS_PER_CLIENT))
    user_logins: RateLimit = field(default_factory=lambda: RateLimit(*LOGINS_PER_USER))
    ws_sent: Any = None
    ws_received: Any = None
    ws_active: Any = None
    websockets: int = 0  # authenticated streams
    pending_websockets: int = 0  # accepted, not yet authenticated


def state_of(conn: Request | WebSocket) -> ServiceState:
    return conn.app.state.service


async def api_delay(state: ServiceState) -> None:
    """The slow_http fault: API answers take about SLOW_HTTP_SECONDS."""
    if state.faults.active("slow_http"):
        await asyncio.sleep(SLOW_HTTP_SECONDS * random.uniform(0.9, 1.2))


def require_user(request: Request) -> int:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    user = state_of(request).auth.user_of(token) if scheme.lower() == "bearer" and token else None
    if user is None:
        raise HTTPException(401, "a valid bearer access token is required")
    return user


async def login(request: Request) -> JSONResponse:
    state = state_of(request)
    await api_delay(state)
    data = await read_json(request)
    username, password = require_str(data, "username"), require_str(data, "password")
    if not request.scope.get(INTERNAL_SCOPE_KEY):  # the service's own traffic is not a client
        client = request.client.host if request.client else "unknown"
        if not (state.client_logins.allow(client) and state.user_logins.allow(username)):
            return JSONResponse({"error": "too many login attempts; try again later"}, status_code=429,
                                headers={"Retry-After": f"{state.user_logins.window:.0f}"})
    try:
        return JSONResponse(await state.auth.login(username, password))
    except Refused:
        return JSONResponse({"error": "login refused"}, status_code=401)  # the reason is in the metrics only


async def refresh(request: Request) -> JSONResponse:
    state = state_of(request)
    await api_delay(state)
    token = require_str(await read_json(request), "refresh_token")
    try:
        return JSONResponse(state.auth.refresh(token))
    except Refused as exc:
        return JSONResponse({"error": f"refresh token {exc.reason}"}, status_code=401)


async def sites(request: Request) -> JSONResponse:
    state = state_of(request)
    await api_delay(state)
    require_user(request)
    rows = state.db.run("SELECT s.name, s.city, COUNT(p.id) FROM sites s LEFT JOIN paths p ON p.site_id = s.id "
                        "GROUP BY s.id ORDER BY s.name")
    return JSONResponse({"sites": [{"site": n, "city": c, "paths": k} for n, c, k in rows]})


async def site_paths(request: Request) -> JSONResponse:
    state = state_of(request)
    await api_delay(state)
    require_user(request)
    site = request.path_params["site"]
    if not state.db.run("SELECT 1 FROM sites WHERE name = ?", (site,)):
        raise HTTPException(404, "no such site")
    return JSONResponse({"paths": [p for p in state.engine.snapshot() if p["site"] == site]})


async def paths(request: Request) -> JSONResponse:
    state = state_of(request)
    await api_delay(state)
    require_user(request)
    return JSONResponse({"paths": state.engine.snapshot()})


async def path_stream(ws: WebSocket) -> None:
    """After an auth message, sends the status of every path each tick and answers pings.

    A stream slot (MAX_WEBSOCKETS) is taken only once the client has authenticated, so unauthenticated
    sockets cannot lock real users out; those wait at most WS_AUTH_TIMEOUT, at most MAX_PENDING_WEBSOCKETS.
    """
    state = state_of(ws)
    if state.pending_websockets >= MAX_PENDING_WEBSOCKETS:
        await ws.close(code=1013)  # try again later
        return
    await ws.accept()
    state.pending_websockets += 1
    try:
        authenticated = await _authenticate(ws, state)
    except WebSocketDisconnect:
        return
    except DatabaseError:  # the token check needs the database
        await ws.close(code=1011)
        return
    finally:
        state.pending_websockets -= 1
    if not authenticated:
        return
    if state.websockets >= MAX_WEBSOCKETS:
        await ws.close(code=1013)
        return
    state.websockets += 1
    state.ws_active.inc()
    try:
        await _send(ws, state, "status", paths=state.engine.snapshot())
        await _stream(ws, state)
    except WebSocketDisconnect:
        pass
    finally:
        state.websockets -= 1
        state.ws_active.dec()


async def _send(ws: WebSocket, state: ServiceState, kind: str, **fields: Any) -> None:
    await ws.send_json({"type": kind, **fields})
    state.ws_sent.labels(type=kind).inc()


async def _receive(ws: WebSocket, state: ServiceState, timeout: float) -> dict[str, Any] | None:
    """The next message as an object (type "invalid" if it is not one), or None after `timeout` seconds."""
    try:
        frame = await asyncio.wait_for(ws.receive(), timeout)
    except asyncio.TimeoutError:
        return None
    if frame["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(frame.get("code", 1000), frame.get("reason"))
    # A binary frame is read as UTF-8 text (receive_text() would fail on it with a KeyError, closing with 1011).
    text = frame["text"] if frame.get("text") is not None else (frame.get("bytes") or b"").decode("utf-8", "replace")
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        message = None
    if not isinstance(message, dict) or message.get("type") not in WS_RECEIVED_TYPES:
        message = {"type": "invalid"}
    state.ws_received.labels(type=message["type"]).inc()
    return message


async def _authenticate(ws: WebSocket, state: ServiceState) -> bool:
    message = await _receive(ws, state, WS_AUTH_TIMEOUT)
    token = message.get("token") if message and message["type"] == "auth" else None
    if not is_text(token) or state.auth.user_of(token) is None:
        await _send(ws, state, "error", error="send {\"type\": \"auth\", \"token\": ACCESS_TOKEN} first")
        await ws.close(code=1008)
        return False
    return True


async def _stream(ws: WebSocket, state: ServiceState) -> None:
    loop = asyncio.get_running_loop()
    next_status = loop.time() + state.tick
    while True:
        message = await _receive(ws, state, max(0.0, next_status - loop.time()))
        if message is not None:
            if message["type"] == "ping":
                await _send(ws, state, "pong")
            elif message["type"] == "invalid":
                await _send(ws, state, "error", error="messages are JSON objects of type ping")
        if loop.time() >= next_status:
            await _send(ws, state, "status", paths=state.engine.snapshot())
            next_status = loop.time() + state.tick


ROUTES = [
    Route("/api/login", login, methods=["POST"]),
    Route("/api/token/refresh", refresh, methods=["POST"]),
    Route("/api/sites", sites, methods=["GET"]),
    Route("/api/sites/{site}/paths", site_paths, methods=["GET"]),
    Route("/api/paths", paths, methods=["GET"]),
    WebSocketRoute("/ws/paths", path_stream),
]
