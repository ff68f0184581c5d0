"""Running the demo service on a free loopback port for the service tests, and reading its exposition."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
import yaml

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
    demo: true
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
def running_service(spec: Spec, service: str | None = None, **options: Any) -> Iterator[str]:
    """Serve one service of the spec (the first by default) with uvicorn in a thread on a free loopback port;
    yields its base URL."""
    opts = ServeOptions(users={DEMO_USER: DEMO_PASSWORD}, **options)
    config = uvicorn.Config(create_app(spec, service, options=opts), host="127.0.0.1", port=0, log_level="warning",
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


def scrape_series(client: httpx.Client, count: int, every: float) -> list[dict[tuple[str, frozenset], float]]:
    """`count` scrapes of /metrics, `every` seconds apart, each parsed."""
    out = []
    for i in range(count):
        if i:
            time.sleep(every)
        out.append(samples(client.get("/metrics").text))
    return out


def _selector(name: str, labels: frozenset) -> str:
    return name + "{" + ", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(labels)) + "}"


def holding_expressions(promtool: str, spec: Spec, job: str, exprs: list[str], scrapes: list[dict], every: float,
                        workdir: Path) -> set[str]:
    """Those of `exprs` that have a result at the last scrape, as Prometheus evaluates them over these scrapes
    (scraped from job `job`, with the spec's recording rules). promtool decides, in one run: each expression
    is expected to be empty, and the ones it reports as not empty hold."""
    keys = sorted({key for scrape in scrapes for key in scrape}, key=str)
    interval = f"{round(every * 1000)}ms"
    series = [{"series": _selector(name, labels | {("job", job), ("instance", "service")}),
               "values": " ".join(repr(s[(name, labels)]) if (name, labels) in s else "_" for s in scrapes)}
              for name, labels in keys]
    rules = {"groups": [{"name": "recording", "rules": [{"record": r.record, "expr": r.expr, **(
        {"labels": r.labels} if r.labels else {})} for r in spec.recording_rules]}]}
    (workdir / "rules.yml").write_text(yaml.safe_dump(rules))
    checks = [{"expr": f'label_replace((count({expr}) > bool 0) or vector(0), "expr", "{i}", "", "")',
               "eval_time": f"{round(every * 1000) * (len(scrapes) - 1)}ms",
               "exp_samples": [{"labels": f'{{expr="{i}"}}', "value": 0}]} for i, expr in enumerate(exprs)]
    test = {"rule_files": ["rules.yml"], "evaluation_interval": interval,
            "tests": [{"interval": interval, "input_series": series, "promql_expr_test": checks}]}
    (workdir / "test.yml").write_text(yaml.safe_dump(test))
    result = subprocess.run([promtool, "test", "rules", "test.yml"], cwd=workdir, capture_output=True, text=True,
                            timeout=60)
    holding = {exprs[int(i)] for i in re.findall(r'got: \{expr="(\d+)"\} 1E\+00', result.stdout + result.stderr)}
    if result.returncode != 0 and not holding:
        raise AssertionError(f"promtool could not evaluate the expressions:\n{result.stdout}{result.stderr}")
    return holding
