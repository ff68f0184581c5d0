"""JSON over HTTP to a running local stack (Prometheus, Alertmanager, the sink, the service): every call bounded.

`stackgen verify` and the live tests read the stack through these; `poll` waits for a condition with a deadline.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def get_json(url: str, params: dict[str, Any] | None = None, timeout: float = 5) -> Any:
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def post_json(url: str, body: Any, timeout: float = 5) -> Any:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
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
