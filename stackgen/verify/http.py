"""JSON over HTTP to a running local stack (Prometheus, Alertmanager, the sink, the service): every call bounded.

`stackgen verify` and the live tests read the stack through these; `poll` waits for a condition with a deadline.
Prometheus and Alertmanager ask for basic auth: once `authorize` has named a server's credentials, every
request to that server (scheme, host and port) sends them, so callers pass URLs only.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

# origin (scheme://host:port) -> the Authorization header sent to it; filled by `authorize`.
_AUTHORIZATION: dict[str, str] = {}


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def authorize(url: str, username: str, password: str) -> None:
    """From now on, send these basic-auth credentials with every request to the server of `url`."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    _AUTHORIZATION[_origin(url)] = f"Basic {token}"


def request(url: str, data: bytes | None = None, method: str = "GET",
            headers: dict[str, str] | None = None) -> urllib.request.Request:
    """A request to `url`, with the credentials `authorize` named for its server, if any."""
    headers = dict(headers or {})
    if _origin(url) in _AUTHORIZATION:
        headers["Authorization"] = _AUTHORIZATION[_origin(url)]
    return urllib.request.Request(url, data=data, method=method, headers=headers)


def get_json(url: str, params: dict[str, Any] | None = None, timeout: float = 5) -> Any:
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(request(url), timeout=timeout) as response:
        return json.load(response)


def post_json(url: str, body: Any, timeout: float = 5) -> Any:
    posted = request(url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(posted, timeout=timeout) as response:
        data = response.read()
        return json.loads(data) if data else None  # Alertmanager answers a posted alert with an empty body


def poll(probe: Callable[[], T | None], timeout: float, every: float = 0.5) -> T | None:
    """Call `probe` until it returns something truthy (returned), or None once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            return None
        time.sleep(every)
