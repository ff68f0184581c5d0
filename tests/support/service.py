"""Running the demo service on a free loopback port for the service tests, and reading its exposition."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from stackgen.model import SERIES_SUFFIXES, Spec
from stackgen.service.app import ServeOptions, create_app

DEMO_USER, DEMO_PASSWORD = "tester", "correct horse battery staple"
# A spec that shares no component with Patronus, and reuses two Patronus names with other labels.
OTHER_SPEC = """\
apiVersion: stackgen/v1
system:
  name: shop
services:
  - name: checkout
    port: 9000
metrics:
  - name: orders_total
    type: counter
    help: Orders placed, by payment method.
    labels: [payment]
  - name: http_requests_total
    type: counter
    help: Requests, by status code only.
    labels: [code]
  - name: basket_value_euros
    type: summary
    help: Value of checked-out baskets.
  - name: queue_depth
    type: gauge
    help: Orders waiting for fulfilment.
  - name: sdwan_path_up
    type: gauge
    help: Same name as a Patronus metric, other labels.
    labels: [link]
  - name: app_uptime_seconds
    type: gauge
    help: Seconds since start.
"""


@contextmanager
def running_service(spec: Spec, **options: Any) -> Iterator[str]:
    """Serve the spec's service with uvicorn in a thread on a free loopback port; yields its base URL."""
    opts = ServeOptions(users={DEMO_USER: DEMO_PASSWORD}, **options)
    config = uvicorn.Config(create_app(spec, options=opts), host="127.0.0.1", port=0, log_level="warning",
                            access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, "the service did not start")
        port = server.servers[0].sockets[0].getsockname()[1]  # port 0: the system picked a free one
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def wait_until(condition: Callable[[], Any], failure: str, timeout: float = 15.0, every: float = 0.05) -> Any:
    """Poll until `condition()` is truthy (and return it), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"{failure} within {timeout:g} s")


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Exposition text -> {(series name, labels): value}; a small parser, so the tests read the raw lines."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        head, number = line.rsplit(" ", 1)
        name, _, rest = head.partition("{")
        pairs = (pair.split("=", 1) for pair in rest.rstrip("}").split('",') if pair)
        out[(name, frozenset((key, quoted.strip('"')) for key, quoted in pairs))] = float(number)
    return out


def value(text: str, name: str, **labels: str) -> float:
    return samples(text)[(name, frozenset(labels.items()))]


def total(text: str, name: str, **labels: str) -> float:
    """Sum of every series of `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples(text).items() if n == name and wanted <= set(ls))


def allowed_series(spec_metrics) -> dict[str, str]:
    """Series name -> the declared metric it belongs to."""
    return {m.name + suffix: m.name for m in spec_metrics for suffix in SERIES_SUFFIXES[m.type]}


def login(client: httpx.Client, user: str = DEMO_USER, password: str = DEMO_PASSWORD) -> httpx.Response:
    return client.post("/api/login", json={"username": user, "password": password})
