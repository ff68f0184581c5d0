"""WSGI middleware (Flask, Django) recording the spec's HTTP metrics through the same `HttpMetrics` as ASGI.

A WSGI middleware sees the raw path only; the route template is known inside the framework, after routing,
and `route_of(environ)` reads it once the app has answered. By default it is what the framework wrote under
`ROUTE_KEY` (in Django, a middleware's `process_view` can set `request.META[ROUTE_KEY]` to
`request.resolver_match.route`); for Flask, `instrument_flask` installs the hook that writes the URL rule
there. A request with no template counts as route="unmatched", so a scan of random URLs adds no series.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from stackgen.instrument.http import HttpMetrics, MetricClaims

ROUTE_KEY = "stackgen.route"

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]
RouteOf = Callable[[dict], "str | None"]


def environ_route(environ: dict) -> str | None:
    """The template the framework wrote under ROUTE_KEY, if any."""
    return environ.get(ROUTE_KEY)


class _RecordOnClose:
    """A response body whose status is known only once it is iterated: recorded when the server closes it."""

    def __init__(self, body: Iterable[bytes], finish: Callable[[], None]) -> None:
        self._body = body
        self._finish = finish

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._body)

    def close(self) -> None:
        try:
            close = getattr(self._body, "close", None)
            if close is not None:
                close()
        finally:
            self._finish()


class WsgiHttpMetricsMiddleware:
    """Wraps a WSGI app: `app.wsgi_app = WsgiHttpMetricsMiddleware(app.wsgi_app, HttpMetrics(metrics))`."""

    def __init__(self, app: WsgiApp, recorder: HttpMetrics, route_of: RouteOf = environ_route) -> None:
        self.app = app
        self._recorder = recorder
        self._route_of = route_of
        # WSGI servers run requests on threads; `+=` on an attribute is not atomic across them.
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        status = 0

        def start_with_status(status_line: str, headers: list, exc_info: Any = None) -> Any:
            nonlocal status
            status = int(status_line[:3])
            return start_response(status_line, headers, exc_info)

        with self._lock:
            self._recorder.in_progress += 1
        start = time.perf_counter()
        try:
            body = self.app(environ, start_with_status)
        except BaseException:
            self._finish(environ, 500, start)  # what the client gets when the app raised before answering
            raise
        if status:
            self._finish(environ, status, start)
            return body
        return _RecordOnClose(body, lambda: self._finish(environ, status or 500, start))

    def _finish(self, environ: dict, status: int, start: float) -> None:
        elapsed = time.perf_counter() - start
        with self._lock:
            self._recorder.in_progress -= 1
        self._recorder.record_request(environ["REQUEST_METHOD"], self._route_of(environ), status, elapsed)


def instrument_flask(app: Any, metrics: MetricClaims) -> HttpMetrics:
    """Record the spec's HTTP metrics for every request to the Flask `app`, labelled by its URL rule."""
    from flask import request

    def note_route() -> None:
        # Runs after routing, also when no rule matched (404, 405): url_rule is None then. Flask clears the
        # request it keeps in the environ when the request ends, so the rule is copied out here.
        environ, rule = request.environ, request.url_rule
        environ[ROUTE_KEY] = rule.rule if rule is not None else None

    recorder = HttpMetrics(metrics)
    # First of the app-wide hooks: a hook before it may answer early, and that answer is counted too.
    app.before_request_funcs.setdefault(None, []).insert(0, note_route)
    app.wsgi_app = WsgiHttpMetricsMiddleware(app.wsgi_app, recorder)
    return recorder
