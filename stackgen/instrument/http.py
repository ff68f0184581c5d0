"""The spec's HTTP metrics (requests, duration, errors, in flight), and the ASGI middleware that records them.

Labels come from the route that matched (`/api/sites/{site}/paths`), never from the raw URL: a request no
route matches counts as route="unmatched" and an unusual method as method="other", so a scan of random
URLs adds no series. The middleware is plain ASGI (not BaseHTTPMiddleware) to keep the cost per request
small; `stackgen.instrument.wsgi` records the same metrics for WSGI apps through the same `HttpMetrics`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any, Protocol

UNMATCHED_ROUTE = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
ERROR_TYPES = ("client", "server", "timeout", "validation")
VALIDATION_STATUSES = frozenset({400, 413, 415, 422})
TIMEOUT_STATUSES = frozenset({408, 504})


def error_type(status: int) -> str | None:
    """The http_errors_total type of a status, or None when the request did not fail."""
    if status >= 500:
        return "timeout" if status in TIMEOUT_STATUSES else "server"
    if status >= 400:
        if status in TIMEOUT_STATUSES:
            return "timeout"
        return "validation" if status in VALIDATION_STATUSES else "client"
    return None


class MetricClaims(Protocol):
    """Where the HTTP metrics come from: a spec's collectors by name, or a no-op one when not declared."""

    def claim(self, name: str, type_: str, labels: Iterable[str] = ()) -> Any: ...


class HttpMetrics:
    """The HTTP metrics, claimed when the app is built (Starlette builds middleware only at the first request).

    Each one is recorded only if the spec declares it with the labels used here; the others are skipped.
    """

    def __init__(self, metrics: MetricClaims) -> None:
        self._requests = metrics.claim("http_requests_total", "counter", ["method", "route", "status"])
        self._duration = metrics.claim("http_request_duration_seconds", "histogram", ["method", "route"])
        self._errors = metrics.claim("http_errors_total", "counter", ["type"])
        # A plain count read when scraped: cheaper per request than a gauge's locked inc() and dec().
        self.in_progress = 0
        metrics.claim("http_requests_in_progress", "gauge").set_function(lambda: self.in_progress)
        self._error_children = {t: self._errors.labels(type=t) for t in ERROR_TYPES}
        # (method, route, status) -> (counter child, histogram child). Bounded: every part of the key is.
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, scope: dict, status: int, elapsed: float, root_path: str = "") -> None:
        """Record one ASGI request; the route is the one Starlette's router set on the scope it was given.

        Starlette before 1.7 names no route on the scope, so the router's routes are matched again, against
        the scope's `root_path` from before routing (a Mount moves it).
        """
        route = scope.get("route") or _matching_route(scope, root_path)
        self.record_request(scope["method"], getattr(route, "path", None), status, elapsed)

    def record_request(self, method: str, template: str | None, status: int, elapsed: float) -> None:
        """Record one request: `template` is the matched route's template, None when no route matched."""
        template = template or UNMATCHED_ROUTE
        method = method if method in METHODS else "other"
        key = (method, template, status)
        children = self._children.get(key)
        if children is None:
            children = (self._requests.labels(method=method, route=template, status=str(status)),
                        self._duration.labels(method=method, route=template))
            self._children[key] = children
        children[0].inc()
        children[1].observe(elapsed)
        kind = error_type(status)
        if kind is not None:
            self._error_children[kind].inc()


def _matching_route(scope: dict, root_path: str) -> Any:
    """The route Starlette's router picked for `scope` (a full match, else the first partial one), or None."""
    router = scope.get("router")
    if router is None:
        return None
    from starlette.routing import Match  # only here: a scope with a router comes from Starlette

    before_routing = {**scope, "root_path": root_path}
    partial = None
    for route in router.routes:
        match, _ = route.matches(before_routing)
        if match is Match.FULL:
            return route
        if match is Match.PARTIAL and partial is None:
            partial = route
    return partial


class HttpMetricsMiddleware:
    """ASGI middleware (Starlette, FastAPI): `Middleware(HttpMetricsMiddleware, recorder=HttpMetrics(metrics))`."""

    def __init__(self, app: Any, recorder: HttpMetrics) -> None:
        self.app = app
        self._recorder = recorder

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the client gets if the app raises before answering

        async def send_with_status(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        recorder = self._recorder
        root_path = scope.get("root_path", "")
        recorder.in_progress += 1  # one event loop: no lock needed
        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_status)
        finally:
            elapsed = time.perf_counter() - start
            recorder.in_progress -= 1
            recorder.record(scope, status, elapsed, root_path)
