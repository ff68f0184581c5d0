"""The spec's HTTP metrics in users' apps: ASGI and WSGI middleware, labelled by route template only."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client import generate_latest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from stackgen.instrument import (
    ROUTE_KEY,
    HttpMetrics,
    HttpMetricsMiddleware,
    SpecMetricSet,
    WsgiHttpMetricsMiddleware,
    metrics_from_spec,
)
from stackgen.service.http_metrics import HttpMetrics as ServiceHttpMetrics
from tests.conftest import ROOT

TASKQ = ROOT / "specs" / "taskq.yaml"


def request_series(metrics: SpecMetricSet) -> list[str]:
    text = generate_latest(metrics.registry).decode()
    return sorted(line for line in text.splitlines() if line.startswith("http_requests_total{"))


def test_the_service_imports_the_same_middleware_users_get():
    assert ServiceHttpMetrics is HttpMetrics


def test_asgi_requests_count_by_route_template_and_a_url_scan_adds_one_series():
    metrics = metrics_from_spec(TASKQ, "api")

    async def job(request):
        return PlainTextResponse("ok")

    app = Starlette(routes=[Route("/jobs/{queue}", job)],
                    middleware=[Middleware(HttpMetricsMiddleware, recorder=HttpMetrics(metrics))])

    async def scan() -> None:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app") as client:
            for i in range(30):
                await client.get(f"/jobs/q{i % 3}")
                await client.get(f"/scan/{i}")

    asyncio.run(scan())
    assert request_series(metrics) == [
        'http_requests_total{method="GET",route="/jobs/{queue}",status="200"} 30.0',
        'http_requests_total{method="GET",route="unmatched",status="404"} 30.0']


def wsgi_app(environ: dict, start_response) -> list[bytes]:
    """A bare WSGI app that routes like a framework: it writes the matched template under ROUTE_KEY."""
    path = environ["PATH_INFO"]
    if path == "/boom":
        raise RuntimeError("boom")
    if path.startswith("/jobs/"):
        environ[ROUTE_KEY] = "/jobs/<queue>"
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    start_response("404 Not Found", [])
    return [b"no"]


def call(app, method: str, path: str) -> bytes:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
    return b"".join(app(environ, lambda status, headers, exc_info=None: None))


def test_wsgi_requests_count_by_route_template_and_unusual_methods_as_other():
    metrics = metrics_from_spec(TASKQ, "api")
    app = WsgiHttpMetricsMiddleware(wsgi_app, HttpMetrics(metrics))
    for i in range(20):
        call(app, "GET", f"/jobs/q{i}")
        call(app, f"X{i}", f"/scan/{i}")
    assert request_series(metrics) == [
        'http_requests_total{method="GET",route="/jobs/<queue>",status="200"} 20.0',
        'http_requests_total{method="other",route="unmatched",status="404"} 20.0']


def test_a_wsgi_app_that_raises_counts_as_a_500_and_leaves_no_request_in_flight():
    metrics = metrics_from_spec(TASKQ, "api")
    recorder = HttpMetrics(metrics)
    app = WsgiHttpMetricsMiddleware(wsgi_app, recorder)
    with pytest.raises(RuntimeError, match="boom"):
        call(app, "GET", "/boom")
    assert recorder.in_progress == 0
    assert request_series(metrics) == ['http_requests_total{method="GET",route="unmatched",status="500"} 1.0']


def test_a_streamed_wsgi_body_is_recorded_when_the_server_closes_it():
    metrics = metrics_from_spec(TASKQ, "api")
    recorder = HttpMetrics(metrics)

    def streaming(environ: dict, start_response) -> Iterator[bytes]:
        environ[ROUTE_KEY] = "/stream"
        start_response("200 OK", [])  # a generator calls it only when first iterated
        yield b"chunk"

    body = WsgiHttpMetricsMiddleware(streaming, recorder)({"REQUEST_METHOD": "GET", "PATH_INFO": "/stream"},
                                                          lambda *args: None)
    assert recorder.in_progress == 1
    assert list(body) == [b"chunk"]
    body.close()  # type: ignore[attr-defined]
    assert recorder.in_progress == 0
    assert request_series(metrics) == ['http_requests_total{method="GET",route="/stream",status="200"} 1.0']


def test_a_wsgi_app_can_name_its_route_template_its_own_way():
    metrics = metrics_from_spec(TASKQ, "api")
    app = WsgiHttpMetricsMiddleware(wsgi_app, HttpMetrics(metrics), route_of=lambda environ: "/any/{path}")
    call(app, "GET", "/jobs/q1")
    assert request_series(metrics) == ['http_requests_total{method="GET",route="/any/{path}",status="200"} 1.0']
