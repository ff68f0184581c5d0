"""`stackgen serve` as a user runs it: a real process on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from conftest import SPECS
from support.ports import free_port
from support.service import samples, wait_until

from stackgen.cli.serve import DEFAULT_PORT, listen_port
from stackgen.service.metrics import served_metrics
from stackgen.spec.loader import load_spec

STACKGEN = str(Path(sys.executable).parent / "stackgen")


def ready(url: str) -> bool:
    try:
        return httpx.get(url + "/health/ready", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("spec", [None, *SPECS], ids=lambda p: getattr(p, "name", "embedded default"))
def test_serve_starts_the_service_of_a_spec_with_faults_on_request(spec):
    port = free_port()
    args = [STACKGEN, "serve", *([str(spec)] if spec else []), "--host", "127.0.0.1", "--port", str(port),
            "--faults", "--tick", "0.2"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: process.poll() is not None or ready(url), "the service did not become ready", timeout=30)
        assert process.poll() is None, process.stderr.read()
        names = {name for name, _ in samples(httpx.get(url + "/metrics", timeout=5).text)}
        model = load_spec(spec)
        assert {m.name for m in served_metrics(model, model.services[0].name)} <= {n.removesuffix("_bucket").removesuffix("_sum")
                                                              .removesuffix("_count") for n in names}
        if model.name == "patronus":
            switched = httpx.post(url + "/admin/faults", json={"fault": "not_ready", "active": True}, timeout=5)
            assert switched.json()["active"] is True
            assert httpx.get(url + "/health/ready", timeout=5).status_code == 503
        else:  # any spec: the first alert this service can drive
            alerts = httpx.get(url + "/admin/faults", timeout=5).json()["alerts"]
            name = next(n for n, a in alerts.items() if a["kind"] == "drive")
            switched = httpx.post(url + "/admin/faults", json={"alert": name, "active": True}, timeout=5)
            assert (switched.json()["alert"], switched.json()["active"]) == (name, True)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    assert "demo login: demo / " in process.stderr.read()


REFUSED = [
    ("a spec file that does not exist", ["nope.yaml"], "nope.yaml: no such file"),
    ("a service the spec does not have", ["--service", "billing"],
     "patronus.yaml: no service 'billing' (services: dashboard)"),
]


@pytest.mark.parametrize("case, args, message", REFUSED, ids=[r[0] for r in REFUSED])
def test_serve_refuses_what_it_cannot_run_with_exit_code_2(cli, case, args, message):
    result = cli("serve", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_the_default_port_is_the_spec_services_port_when_it_is_unambiguous():
    spec = load_spec(None)
    dashboard = spec.services[0]
    two = replace(spec, services=(dashboard, replace(dashboard, name="api", port=9000)))
    assert listen_port(spec, dashboard, chosen_by_name=False) == dashboard.port == 8443
    assert listen_port(two, two.services[1], chosen_by_name=True) == 9000
    assert listen_port(two, two.services[1], chosen_by_name=False) == DEFAULT_PORT
