"""Bad input never pages anyone: every malformed request gets a 4xx, logins are limited and do not tell
which users exist, WebSocket slots go to authenticated clients only, and the sink survives bad headers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import stat
import sys

import httpx
import pytest
from support.http_server import serving
from support.ports import free_port
from support.service import login, running_service, samples
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from stackgen.local.runner import Component, LocalStack
from stackgen.local.sink import Sink, make_handler
from stackgen.service.faults import Faults
from stackgen.service.metrics import SpecMetrics
from stackgen.service.patronus import auth as auth_module
from stackgen.service.patronus.api import LOGINS_PER_CLIENT, LOGINS_PER_USER, MAX_WEBSOCKETS
from stackgen.service.patronus.auth import Auth
from stackgen.service.patronus.database import Database
from stackgen.service.ratelimit import RateLimit
from stackgen.spec.loader import load_spec

JSON = {"content-type": "application/json"}
SURROGATE = b'"\\ud800"'  # a lone surrogate, as JSON escapes it


@pytest.fixture(scope="module")
def patronus():
    with running_service(load_spec(None), traffic=False, faults=True, tick=0.2) as url, \
            httpx.Client(base_url=url, timeout=10) as client:
        yield client


def raw_request(url: str, request: bytes) -> bytes:
    """Send bytes as they are (no client fixes the headers up) and return the whole answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


MALFORMED = [
    ("a lone surrogate as username", "/api/login", b'{"username": ' + SURROGATE + b', "password": "x"}', JSON,
     422, "'username' must be valid Unicode (no lone surrogates)"),
    ("a lone surrogate as password", "/api/login", b'{"username": "x", "password": ' + SURROGATE + b"}", JSON,
     422, "'password' must be valid Unicode (no lone surrogates)"),
    ("a lone surrogate as refresh token", "/api/token/refresh", b'{"refresh_token": ' + SURROGATE + b"}", JSON,
     422, "'refresh_token' must be valid Unicode (no lone surrogates)"),
    ("60,000 nested brackets", "/api/login", b"[" * 60_000, JSON, 400, "request body is nested too deeply"),
    ("60,000 nested brackets to the fault switch", "/admin/faults", b"[" * 60_000, JSON, 400,
     "request body is nested too deeply"),
    ("a body that is not UTF-8", "/api/login", b'{"username": "\xff"}', JSON, 400, "request body is not valid JSON"),
    ("a plain-text body", "/api/login", b'{"username": "a", "password": "b"}', {"content-type": "text/plain"},
     415, "send the request body as Content-Type: application/json"),
    ("a form body", "/api/login", b"username=a&password=b", {"content-type": "application/x-www-form-urlencoded"},
     415, "send the request body as Content-Type: application/json"),
    ("a body without a content type", "/api/token/refresh", b'{"refresh_token": "x"}', {}, 415,
     "send the request body as Content-Type: application/json"),
    ("a fault name that is a list", "/admin/faults", b'{"fault": ["x"]}', JSON, 422,
     'send {"alert": NAME, "active": true|false} or {"fault": NAME, "active": true|false}'),
    ("a username that is a number", "/api/login", b'{"username": 1, "password": "x"}', JSON, 422,
     "'username' must be a non-empty string of at most 1024 characters"),
    ("a fault body over the limit", "/admin/faults", b" " * 70_000, JSON, 413, "request body over 65536 bytes"),
]


@pytest.mark.parametrize("case, path, body, headers, status, error", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_request_gets_a_4xx_with_its_reason(patronus, case, path, body, headers, status, error):
    response = patronus.post(path, content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"] == error


RAW = [
    ("a negative Content-Length", b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
     b"Content-Length: -1\r\n\r\n{}", b"HTTP/1.1 400"),
    ("a Content-Length that is not a number", b"POST /api/login HTTP/1.1\r\nHost: x\r\n"
     b"Content-Type: application/json\r\nContent-Length: 1e3\r\n\r\n{}", b"HTTP/1.1 400"),
    ("a path that is not UTF-8 once decoded", b"GET /api/sites/%ED%A0%80/paths HTTP/1.1\r\nHost: x\r\n"
     b"Authorization: Bearer x\r\n\r\n", b"HTTP/1.1 401"),
    ("a bearer token with bytes above ASCII", b"GET /api/paths HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \xff\xfe\r\n\r\n",
     b"HTTP/1.1 401"),
]


@pytest.mark.parametrize("case, request_bytes, status_line", RAW, ids=[r[0] for r in RAW])
def test_malformed_headers_and_paths_get_a_4xx(patronus, case, request_bytes, status_line):
    assert raw_request(str(patronus.base_url), request_bytes).startswith(status_line)


def test_no_malformed_request_was_answered_with_a_5xx(patronus):
    for _, path, body, headers, _, _ in MALFORMED:
        patronus.post(path, content=body, headers=headers)
    statuses = {dict(labels)["status"] for name, labels in samples(patronus.get("/metrics").text)
                if name == "http_requests_total"}
    assert statuses and not {s for s in statuses if s.startswith("5")}


def test_a_websocket_auth_message_with_a_lone_surrogate_or_deep_nesting_is_refused(patronus):
    ws_url = str(patronus.base_url).replace("http", "ws") + "/ws/paths"
    for message in ('{"type": "auth", "token": "\\ud800"}', "[" * 60_000):
        with connect(ws_url, open_timeout=5, close_timeout=5) as ws:
            ws.send(message)
            assert json.loads(ws.recv(timeout=5))["type"] == "error"
            with pytest.raises(ConnectionClosed) as info:
                ws.recv(timeout=5)
        assert info.value.rcvd.code == 1008


BINARY_FRAMES = [
    ("bytes that are not UTF-8 are refused like any message that is not an auth message", b"\xff\xfe", "error", 1008),
    ("an empty binary frame is refused like an empty text message", b"", "error", 1008),
]


@pytest.mark.parametrize("frame, answer, code", [c[1:] for c in BINARY_FRAMES], ids=[c[0] for c in BINARY_FRAMES])
def test_a_binary_websocket_frame_is_read_as_text_not_closed_as_a_server_error(patronus, frame, answer, code):
    ws_url = str(patronus.base_url).replace("http", "ws") + "/ws/paths"
    with connect(ws_url, open_timeout=5, close_timeout=5) as ws:
        ws.send(frame)
        assert json.loads(ws.recv(timeout=5))["type"] == answer
        with pytest.raises(ConnectionClosed) as info:
            ws.recv(timeout=5)
    assert info.value.rcvd.code == code


def test_an_auth_message_in_a_binary_frame_opens_the_stream(patronus):
    ws_url = str(patronus.base_url).replace("http", "ws") + "/ws/paths"
    with connect(ws_url, open_timeout=5, close_timeout=5) as ws:
        ws.send(json.dumps({"type": "auth", "token": login(patronus).json()["access_token"]}).encode())
        assert json.loads(ws.recv(timeout=5))["type"] == "status"


def test_unauthenticated_websockets_take_no_stream_slot(patronus):
    ws_url = str(patronus.base_url).replace("http", "ws") + "/ws/paths"
    access = login(patronus).json()["access_token"]
    with contextlib.ExitStack() as idle:
        for _ in range(MAX_WEBSOCKETS):
            idle.enter_context(connect(ws_url, open_timeout=5, close_timeout=1))
        with connect(ws_url, open_timeout=5, close_timeout=5) as ws:
            ws.send(json.dumps({"type": "auth", "token": access}))
            assert json.loads(ws.recv(timeout=5))["type"] == "status"


@pytest.mark.slow
def test_logins_are_limited_per_user_and_per_client():
    per_user, _ = LOGINS_PER_USER
    per_client, _ = LOGINS_PER_CLIENT
    with running_service(load_spec(None), traffic=False, tick=0.2) as url, httpx.Client(base_url=url, timeout=10) as client:
        answers = [login(client, user="admin", password="guess").status_code for _ in range(per_user + 1)]
        assert answers == [401] * per_user + [429]
        assert login(client).status_code == 200  # another user from the same client still may
        for i in range(per_client - per_user - 2):
            assert login(client, user=f"user{i}").status_code == 401
        limited = login(client, user="someone-else")
        assert (limited.status_code, limited.json()) == (429, {"error": "too many login attempts; try again later"})


def test_a_rate_limit_forgets_attempts_once_its_window_has_passed():
    now = [0.0]
    limit = RateLimit(2, 10.0, clock=lambda: now[0])
    assert [limit.allow("a"), limit.allow("a"), limit.allow("a"), limit.allow("b")] == [True, True, False, True]
    now[0] = 10.5
    assert limit.allow("a")


def test_known_unknown_and_locked_users_cost_exactly_one_hash_each(monkeypatch):
    """Same code path, same cost: the timing of a refusal does not tell which users exist or are locked."""
    hashed: list[str] = []
    real = auth_module.hash_password

    def counting(password: str, salt: bytes) -> bytes:
        hashed.append(password)
        return real(password, salt)

    metrics = SpecMetrics(load_spec(None).metrics)
    db = Database(metrics, Faults())
    auth = Auth(db, metrics, {"ann": "right", "bob": "right"})
    monkeypatch.setattr(auth_module, "hash_password", counting)

    async def attempts() -> list[str]:
        for _ in range(auth_module.LOCK_AFTER_FAILURES):
            await refused(auth.login("bob", "wrong"))
        hashed.clear()
        outcomes = [await refused(auth.login("ann", "wrong")), await refused(auth.login("nobody", "x")),
                    await refused(auth.login("bob", "right"))]
        await auth.login("ann", "right")
        return outcomes

    assert asyncio.run(attempts()) == ["bad_password", "unknown_user", "locked"]
    assert hashed == ["wrong", "x", "right", "right"]
    db.close()


async def refused(attempt) -> str:
    try:
        await attempt
    except auth_module.Refused as exc:
        return exc.reason
    raise AssertionError("the login was not refused")


@pytest.fixture
def sink_url(tmp_path):
    with open(tmp_path / "sink.log", "w", encoding="utf-8") as out, serving(make_handler(Sink(out=out))) as url:
        yield url


SINK_BAD = [
    ("a negative Content-Length", b"Content-Length: -5\r\n\r\n{}", "Content-Length must be a non-negative integer"),
    ("a Content-Length that is not a number", b"Content-Length: ten\r\n\r\n{}",
     "Content-Length must be a non-negative integer"),
    ("60,000 nested brackets", b"Content-Length: 60000\r\n\r\n" + b"[" * 60_000, "body is not JSON"),
    ("alerts that are not a list", b'Content-Length: 15\r\n\r\n{"alerts": "x"}',
     "alerts must be a list of objects whose labels are an object"),
]


@pytest.mark.parametrize("case, rest, error", SINK_BAD, ids=[s[0] for s in SINK_BAD])
def test_the_sink_answers_400_to_a_bad_notification_and_keeps_serving(sink_url, case, rest, error):
    answer = raw_request(sink_url, b"POST /hooks/team HTTP/1.1\r\nHost: x\r\n" + rest)
    assert answer.startswith(b"HTTP/1.0 400") and json.loads(answer.split(b"\r\n\r\n", 1)[1]) == {"error": error}
    assert httpx.get(sink_url + "/health", timeout=5).status_code == 200


def test_the_sink_logs_a_label_with_a_lone_surrogate_escaped(sink_url, tmp_path):
    body = b'{"alerts": [{"status": "firing", "labels": {"alertname": ' + SURROGATE + b"}}]}"
    assert httpx.post(sink_url + "/hooks/team", content=body, timeout=5).status_code == 200
    assert "team: firing \\ud800 severity=-" in (tmp_path / "sink.log").read_text()


def test_the_local_stack_writes_component_logs_only_its_owner_can_read(tmp_path):
    """The service's log holds its demo login, so no other user may read it."""
    port = free_port()
    log = tmp_path / "webhook-sink.log"
    stack = LocalStack([Component("webhook-sink", [sys.executable, "-m", "stackgen.local.sink", "--port", str(port)],
                                  port, f"http://127.0.0.1:{port}/health", log)])
    try:
        stack.start(timeout=30)
    finally:
        stack.stop()
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
