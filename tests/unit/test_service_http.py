"""The running service over real HTTP on loopback: endpoints, exposition, bad input, bounded series."""

from __future__ import annotations

import json
import random
import string
import subprocess

import httpx
import pytest
from conftest import SPECS, require_tool
from support.service import OTHER_SPEC, allowed_series, login, running_service, samples, total, value, wait_until
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from stackgen import __version__
from stackgen.service.bodies import MAX_BODY_BYTES
from stackgen.service.metrics import served_metrics
from stackgen.service.patronus.api import ROUTES
from stackgen.spec.loader import load_spec


@pytest.fixture(scope="module")
def patronus():
    """The default spec's service, without its own traffic so the counts below are exactly ours."""
    with running_service(load_spec(None), traffic=False, tick=0.2) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield client


def metrics_text(client: httpx.Client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.text


def token(client: httpx.Client) -> str:
    response = login(client)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture(scope="module", params=[*SPECS, "shop.yaml"], ids=lambda p: getattr(p, "name", p))
def any_spec_service(request, tmp_path_factory):
    """Every example spec's service, and one for a spec that shares nothing with Patronus, traffic on."""
    path = request.param
    if path == "shop.yaml":
        path = tmp_path_factory.mktemp("specs") / "shop.yaml"
        path.write_text(OTHER_SPEC)
    spec = load_spec(path)
    with running_service(spec, tick=0.1) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield spec, client


def test_the_exposition_holds_every_declared_metric_and_nothing_undeclared(any_spec_service):
    spec, client = any_spec_service
    declared = served_metrics(spec, spec.services[0].name)
    allowed = allowed_series(declared)
    seen = {name for name, _ in samples(metrics_text(client))}
    assert seen <= set(allowed), f"undeclared series: {sorted(seen - set(allowed))}"
    assert {allowed[name] for name in seen} == {m.name for m in declared}


@pytest.mark.slow
def test_promtool_accepts_the_exposition(any_spec_service):
    promtool = require_tool("promtool")
    _, client = any_spec_service
    result = subprocess.run([promtool, "check", "metrics"], input=metrics_text(client), capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


HEALTH = [
    ("/health", {"status": "ok", "service": "dashboard"}),
    ("/health/live", {"status": "alive"}),
    ("/health/ready", {"status": "ready", "failing": [],
                       "components": {"baseline": {"healthy": True}, "database": {"healthy": True},
                                      "sdwan_engine": {"healthy": True}}}),
]


@pytest.mark.parametrize("path, body", HEALTH, ids=[h[0] for h in HEALTH])
def test_health_endpoints_answer_200_with_their_status(patronus, path, body):
    response = patronus.get(path)
    assert (response.status_code, response.json()) == (200, body)


def test_requests_are_counted_and_timed_by_method_route_template_and_status(patronus):
    auth = {"authorization": f"Bearer {token(patronus)}"}
    before = metrics_text(patronus)
    for site in ("ams", "ber", "dub"):
        assert patronus.get(f"/api/sites/{site}/paths", headers=auth).status_code == 200
    after = metrics_text(patronus)
    labels = {"method": "GET", "route": "/api/sites/{site}/paths"}
    assert total(after, "http_requests_total", status="200", **labels) - total(
        before, "http_requests_total", status="200", **labels) == 3
    assert total(after, "http_request_duration_seconds_count", **labels) - total(
        before, "http_request_duration_seconds_count", **labels) == 3


def test_login_issues_tokens_that_open_the_api_and_refresh_once(patronus):
    before = metrics_text(patronus)
    tokens = login(patronus).json()
    auth = {"authorization": f"Bearer {tokens['access_token']}"}
    assert patronus.get("/api/paths", headers=auth).json()["paths"][0].keys() == {
        "site", "path", "transport", "up", "loss_ratio", "latency_ms"}
    assert len(patronus.get("/api/sites", headers=auth).json()["sites"]) == 8
    renewed = patronus.post("/api/token/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200 and renewed.json()["access_token"] != tokens["access_token"]
    reused = patronus.post("/api/token/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert (reused.status_code, reused.json()) == (401, {"error": "refresh token invalid"})
    after = metrics_text(patronus)
    for name, labels, delta in [("auth_login_attempts_total", {}, 1), ("auth_login_successes_total", {}, 1),
                                ("auth_token_refreshes_total", {"result": "ok"}, 1),
                                ("auth_token_refreshes_total", {"result": "invalid"}, 1),
                                ("db_queries_total", {"operation": "insert"}, 4)]:
        assert total(after, name, **labels) - total(before, name, **labels) == delta, name
    wait_until(lambda: value(metrics_text(patronus), "app_active_users") >= 1, "the login made no active user")


def test_refused_logins_are_counted_by_reason_and_lock_the_account_after_five(patronus):
    before = metrics_text(patronus)
    assert login(patronus, user="nobody").status_code == 401
    for _ in range(5):
        assert login(patronus, user="admin", password="wrong").json() == {"error": "login refused"}
    assert login(patronus, user="admin", password="wrong").status_code == 401
    after = metrics_text(patronus)
    for reason, delta in [("unknown_user", 1), ("bad_password", 5), ("locked", 1)]:
        assert total(after, "auth_login_failures_total", reason=reason) - total(
            before, "auth_login_failures_total", reason=reason) == delta, reason


JSON = {"content-type": "application/json"}
BAD_REQUESTS = [
    ("an unknown route", "GET", "/no/such/page", {}, 404, "Not Found"),
    ("a wrong method", "DELETE", "/api/login", {}, 405, "Method Not Allowed"),
    ("a body that is not JSON", "POST", "/api/login", {"content": b"{user", "headers": JSON}, 400,
     "request body is not valid JSON"),
    ("a JSON body that is not an object", "POST", "/api/login", {"json": [1]}, 400,
     "request body must be a JSON object"),
    ("a login without a password", "POST", "/api/login", {"json": {"username": "x"}}, 422,
     "'password' must be a non-empty string of at most 1024 characters"),
    ("a declared oversized body", "POST", "/api/login", {"content": b"x" * (MAX_BODY_BYTES + 1), "headers": JSON},
     413, f"request body over {MAX_BODY_BYTES} bytes"),
    ("an oversized body sent in chunks", "POST", "/api/login",
     {"content": iter([b"x" * 50_000, b"x" * 50_000]), "headers": JSON}, 413,
     f"request body over {MAX_BODY_BYTES} bytes"),
    ("an API call without a token", "GET", "/api/paths", {}, 401, "a valid bearer access token is required"),
    ("an unknown site", "GET", "/api/sites/nowhere/paths", {"auth": True}, 404, "no such site"),
    ("the fault switch of a service run without --faults", "POST", "/admin/faults",
     {"json": {"fault": "not_ready", "active": True}}, 404, "Not Found"),
]


@pytest.mark.parametrize("case, method, path, kwargs, status, error", BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS])
def test_bad_requests_get_a_4xx_with_a_json_reason_and_the_service_stays_up(patronus, case, method, path, kwargs,
                                                                            status, error):
    if kwargs.get("auth"):
        kwargs = {"headers": {"authorization": f"Bearer {token(patronus)}"}}
    response = patronus.request(method, path, **kwargs)
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert patronus.get("/health/live").status_code == 200


def test_client_errors_are_counted_by_type(patronus):
    before = metrics_text(patronus)
    patronus.get("/no/such/page")
    patronus.post("/api/login", content=b"{")
    after = metrics_text(patronus)
    for kind in ("client", "validation"):
        assert total(after, "http_errors_total", type=kind) - total(before, "http_errors_total", type=kind) == 1


@pytest.mark.slow
def test_two_thousand_random_urls_add_at_most_one_route_label_value(patronus):
    metrics_text(patronus)  # the scrape itself is a route: count it before
    before = samples(metrics_text(patronus))
    rng = random.Random(4)
    for _ in range(2000):
        path = "/" + "/".join("".join(rng.choices(string.ascii_lowercase + string.digits, k=8)) for _ in range(3))
        assert patronus.get(path).status_code == 404
    after = samples(metrics_text(patronus))
    routes = {dict(labels).get("route") for name, labels in after if name == "http_requests_total"}
    templates = {route.path for route in ROUTES} | {"/health", "/health/live", "/health/ready", "/metrics"}
    assert "unmatched" in routes and routes <= templates | {"unmatched"}
    # The unmatched GET 404 series: one counter, its histogram (11 buckets, +Inf, sum, count): at most 15 new.
    assert len(after) - len(before) <= 15
    assert total(metrics_text(patronus), "http_requests_total", route="unmatched", status="404") >= 2000


def test_the_websocket_streams_path_status_after_auth_and_answers_pings(patronus):
    access = token(patronus)
    ws_url = str(patronus.base_url).replace("http", "ws") + "/ws/paths"
    before = metrics_text(patronus)
    with connect(ws_url, open_timeout=5, close_timeout=5) as ws:
        ws.send(json.dumps({"type": "auth", "token": access}))
        first = json.loads(ws.recv(timeout=5))
        assert first["type"] == "status" and len(first["paths"]) == 16
        wait_until(lambda: value(metrics_text(patronus), "websocket_connections_active") == 1, "no active socket")
        ws.send(json.dumps({"type": "ping"}))
        kinds = {json.loads(ws.recv(timeout=5))["type"] for _ in range(3)}
        assert kinds >= {"pong", "status"}
        ws.send("not json")
        assert "error" in {json.loads(ws.recv(timeout=5))["type"] for _ in range(3)}
    wait_until(lambda: value(metrics_text(patronus), "websocket_connections_active") == 0,
               "the socket was not released")
    after = metrics_text(patronus)
    for name, kind, least in [("websocket_messages_received_total", "ping", 1),
                              ("websocket_messages_received_total", "invalid", 1),
                              ("websocket_messages_sent_total", "pong", 1),
                              ("websocket_messages_sent_total", "status", 2)]:
        assert total(after, name, type=kind) - total(before, name, type=kind) >= least, (name, kind)


def test_a_websocket_without_a_valid_token_is_told_why_and_closed(patronus):
    ws_url = str(patronus.base_url).replace("http", "ws") + "/ws/paths"
    with connect(ws_url, open_timeout=5, close_timeout=5) as ws:
        ws.send(json.dumps({"type": "auth", "token": "forged"}))
        assert json.loads(ws.recv(timeout=5))["type"] == "error"
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=5)
    assert info.value.rcvd.code == 1008


def test_system_metrics_are_live(patronus):
    text = metrics_text(patronus)
    assert value(text, "app_info", version=__version__) == 1
    assert 0 < value(text, "app_memory_usage_bytes") < value(text, "app_memory_limit_bytes")
    assert value(text, "app_uptime_seconds") > 0
    assert value(text, "db_connections_active") == 1
    assert (value(text, "sdwan_sites"), value(text, "sdwan_paths"), value(text, "sdwan_policies")) == (8, 16, 120)
