"""`create_app`: the instrumented service for one service of any spec, as a Starlette app.

Generic: every declared metric at a steady baseline (`driver`), health, liveness and readiness, the metrics
endpoint, and (with --faults) /admin/faults for the spec's alerts. The spec's scenario, if it has one
(`scenario.select_scenario`), adds its routes, background loops, readiness checks and named faults.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from stackgen import __version__
from stackgen.errors import StackgenError
from stackgen.model import Service, Spec
from stackgen.service.alert_faults import alert_faults
from stackgen.service.driver import Driver
from stackgen.service.fault_routes import fault_routes
from stackgen.service.faults import Faults
from stackgen.service.http_metrics import HttpMetrics, HttpMetricsMiddleware
from stackgen.service.inprocess import call_app
from stackgen.service.metrics import EXPOSITION_CONTENT_TYPE, ServiceError, SpecMetrics, served_metrics
from stackgen.service.scenario import ScenarioContext, ScenarioParts, ServeOptions, select_scenario
from stackgen.service.system import SystemMetrics

__all__ = ["ServeOptions", "create_app", "pick_service"]
log = logging.getLogger("stackgen.service")


def pick_service(spec: Spec, name: str | None) -> Service:
    """The service to impersonate: the named one, else the first."""
    if name is None:
        return spec.services[0]
    for service in spec.services:
        if service.name == name:
            return service
    raise ServiceError(f"{spec.file}: no service '{name}' (services: {', '.join(s.name for s in spec.services)})")


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)


class Rounds:
    """When the background round last ran: the service is ready only while its rounds keep time."""

    def __init__(self, tick: float) -> None:
        self.tick = tick
        self.last: float | None = None

    def problem(self) -> str | None:
        stale_after = max(3 * self.tick, 5.0)
        if self.last is None or time.monotonic() - self.last > stale_after:
            return f"no background round finished in the last {stale_after:g} s"
        return None


def _health_routes(service: Service, metrics: SpecMetrics,
                   readiness: dict[str, Callable[[], str | None]]) -> list[BaseRoute]:
    async def basic(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "service": service.name})

    async def live(request: Request) -> JSONResponse:
        return JSONResponse({"status": "alive"})

    async def ready(request: Request) -> JSONResponse:
        problems = {name: check() for name, check in readiness.items()}
        failing = sorted(name for name, problem in problems.items() if problem)
        components = {name: {"healthy": not problem, **({"reason": problem} if problem else {})}
                      for name, problem in problems.items()}
        body = {"status": "not ready" if failing else "ready", "failing": failing, "components": components}
        return JSONResponse(body, status_code=503 if failing else 200)

    async def exposition(request: Request) -> Response:
        return Response(metrics.exposition(), media_type=EXPOSITION_CONTENT_TYPE)

    paths = service.health
    return [Route(paths.get("basic", "/health"), basic, methods=["GET"]),
            Route(paths.get("live", "/health/live"), live, methods=["GET"]),
            Route(paths.get("ready", "/health/ready"), ready, methods=["GET"]),
            Route(service.metrics_path, exposition, methods=["GET"])]


def create_app(spec: Spec, service_name: str | None = None, options: ServeOptions = ServeOptions()) -> Starlette:
    """The service, its metrics registered from the spec; background loops run while the app is served."""
    service = pick_service(spec, service_name)
    metrics = SpecMetrics(served_metrics(spec, service.name))
    scenario = select_scenario(spec)
    faults = Faults(scenario.faults if scenario else {})
    recorder = HttpMetrics(metrics) if options.instrument_http else None
    parts = scenario.build(ScenarioContext(spec, service, metrics, faults, options)) if scenario else ScenarioParts()
    system = SystemMetrics(metrics, __version__, parts.active_users)
    driver = Driver(spec, metrics, alert_faults(spec), seed=options.seed)  # after every component claimed its own
    rounds = Rounds(options.tick)
    readiness = {"baseline": rounds.problem, **parts.readiness}
    routes = _health_routes(service, metrics, readiness) + parts.routes
    if options.faults:
        routes += fault_routes(faults, driver, scenario.alert_aliases if scenario else {})
    middleware = [Middleware(HttpMetricsMiddleware, recorder=recorder)] if recorder else []
    app: Starlette

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        for start in parts.on_start:  # values and readiness from the first scrape on
            start()
        _round(driver, system, rounds, 0.0)
        probe = (lambda: call_app(app, "GET", service.health.get("live", "/health/live"))) if options.traffic else None
        if probe:
            await probe()
        tasks = [asyncio.create_task(loop(app)) for loop in parts.loops]
        tasks.append(asyncio.create_task(_background(driver, system, rounds, probe)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for stop in parts.on_stop:
                stop()

    handlers: dict[Any, Any] = {HTTPException: _http_error, **parts.exception_handlers}
    app = Starlette(routes=routes, middleware=middleware, exception_handlers=handlers, lifespan=lifespan)
    app.state.service = parts.state
    return app


def _round(driver: Driver, system: SystemMetrics, rounds: Rounds, seconds: float) -> None:
    driver.step(seconds)
    rounds.last = time.monotonic()
    try:
        system.update()
    except StackgenError as exc:  # a scenario's count failing (its database fault) is its own readiness's news
        log.debug("system metrics: %s", exc)


async def _background(driver: Driver, system: SystemMetrics, rounds: Rounds,
                      probe: Callable[[], Awaitable[Any]] | None) -> None:
    """One round per tick, each driving the time that really passed since the last. With traffic on, each
    round also asks the service's own liveness in-process, so the HTTP metrics of any spec see requests."""
    last = time.monotonic()
    while True:
        await asyncio.sleep(rounds.tick)
        now = time.monotonic()
        try:
            _round(driver, system, rounds, now - last)
            if probe:
                await probe()
        except Exception:  # a background loop must outlive any one bad round
            log.exception("background round failed")
        last = now
