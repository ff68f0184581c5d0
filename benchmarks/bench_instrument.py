"""What `stackgen.instrument`'s HTTP middleware costs a user's app: each app with and without it, in-process.

    .venv/bin/python benchmarks/bench_instrument.py [--calls 20000] [--batches 7]

Apps with one route each, instrumented for specs/taskq.yaml's api service:
- WSGI: a Flask app, bare and with `instrument_flask` (the WSGI middleware and its route hook);
- ASGI: a Starlette app, bare and with `HttpMetricsMiddleware`;
- the middleware alone: a minimal WSGI and a minimal ASGI app that answer at once, so the difference is the
  middleware's own cost without a framework's variance around it.
Each app is called directly (no server, no network) `--calls` times per batch, batches of the two variants
interleaved; the best batch of each is kept, and the cost is the difference per request. Times are the
thread's CPU time (time.thread_time), not wall time, so other processes on a shared machine inflate them less.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import time
from collections.abc import Callable
from pathlib import Path

SPEC = Path(__file__).resolve().parent.parent / "specs" / "taskq.yaml"
VARIANTS = ("bare", "instrumented")


def flask_app(instrumented: bool) -> Callable[[], None]:
    """One call of a Flask app through WSGI, as a server makes it."""
    from flask import Flask

    from stackgen.instrument import instrument_flask, metrics_from_spec

    app = Flask("bench")

    @app.get("/jobs/<queue>")
    def job(queue: str) -> str:
        return queue

    if instrumented:
        instrument_flask(app, metrics_from_spec(SPEC, "api"))
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/jobs/email", "SERVER_NAME": "bench", "SERVER_PORT": "80",
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "SERVER_PROTOCOL": "HTTP/1.1"}

    def start_response(status: str, headers: list, exc_info: object = None) -> None:
        pass

    def call() -> None:
        body = app(dict(base), start_response)
        b"".join(body)
        getattr(body, "close", lambda: None)()

    return call


def starlette_app(instrumented: bool) -> Callable[[], None]:
    """One call of a Starlette app through ASGI, as a server makes it."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from stackgen.instrument import HttpMetrics, HttpMetricsMiddleware, metrics_from_spec

    async def job(request: object) -> PlainTextResponse:
        return PlainTextResponse("email")

    middleware = [Middleware(HttpMetricsMiddleware, recorder=HttpMetrics(metrics_from_spec(SPEC, "api")))]
    app = Starlette(routes=[Route("/jobs/{queue}", job)], middleware=middleware if instrumented else [])
    scope = {"type": "http", "method": "GET", "path": "/jobs/email", "raw_path": b"/jobs/email", "root_path": "",
             "scheme": "http", "query_string": b"", "headers": [], "server": ("bench", 80), "http_version": "1.1"}
    loop = asyncio.new_event_loop()

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        pass

    def call() -> None:
        loop.run_until_complete(app(dict(scope), receive, send))

    return call


def minimal_wsgi(instrumented: bool) -> Callable[[], None]:
    from stackgen.instrument import ROUTE_KEY, HttpMetrics, WsgiHttpMetricsMiddleware, metrics_from_spec

    def app(environ: dict, start_response: Callable[..., object]) -> list[bytes]:
        environ[ROUTE_KEY] = "/jobs/<queue>"  # what a framework's route hook writes
        start_response("200 OK", [])
        return [b"email"]

    wrapped = WsgiHttpMetricsMiddleware(app, HttpMetrics(metrics_from_spec(SPEC, "api"))) if instrumented else app
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/jobs/email"}

    def call() -> None:
        b"".join(wrapped(dict(environ), lambda *args: None))

    return call


def minimal_asgi(instrumented: bool) -> Callable[[], None]:
    from stackgen.instrument import HttpMetrics, HttpMetricsMiddleware, metrics_from_spec

    class Route:
        path = "/jobs/{queue}"

    async def app(scope: dict, receive: object, send: Callable[[dict], object]) -> None:
        scope["route"] = Route  # what Starlette's router sets
        await send({"type": "http.response.start", "status": 200})  # type: ignore[misc]

    wrapped = HttpMetricsMiddleware(app, HttpMetrics(metrics_from_spec(SPEC, "api"))) if instrumented else app
    scope = {"type": "http", "method": "GET", "path": "/jobs/email"}

    async def send(message: dict) -> None:
        pass

    def call() -> None:
        # the app never waits: one step runs it to the end, with no event loop around it
        with contextlib.suppress(StopIteration):
            wrapped(dict(scope), None, send).send(None)

    return call


def best_per_call(calls: dict[str, Callable[[], None]], n: int, batches: int) -> dict[str, float]:
    """CPU microseconds per call of each variant: the best of `batches` interleaved batches of `n` calls."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(batches):
        for variant, call in calls.items():
            start = time.thread_time()
            for _ in range(n):
                call()
            best[variant] = min(best[variant], (time.thread_time() - start) / n * 1e6)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--batches", type=int, default=7)
    args = parser.parse_args()
    apps = (("WSGI, Flask", flask_app), ("WSGI, minimal app", minimal_wsgi), ("ASGI, Starlette", starlette_app),
            ("ASGI, minimal app", minimal_asgi))
    for name, build in apps:
        calls = {v: build(v == "instrumented") for v in VARIANTS}
        for call in calls.values():  # warm up: first-request setup, label children created
            call()
        best = best_per_call(calls, args.calls, args.batches)
        print(f"{name}: bare {best['bare']:.1f} us, instrumented {best['instrumented']:.1f} us per request; "
              f"middleware {best['instrumented'] - best['bare']:.1f} us CPU "
              f"({args.calls} calls per batch, best of {args.batches})")


if __name__ == "__main__":
    main()
