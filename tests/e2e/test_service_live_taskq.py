"""Live: a taskq alert fired through the generic service's alert faults reaches real Prometheus and
Alertmanager, is delivered to the receiver its routing names, and resolves when the fault is switched off.

`stackgen up specs/taskq.yaml --fast` on free loopback ports; every wait is bounded, and the stack is
stopped with SIGTERM whatever happens.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import yaml
from conftest import ROOT, SPECS, require_tool
from support.ports import free_ports
from support.probe import StackURLs, post_json, wait_for

FACTOR = 60
ALERT, RECEIVER = "StaleJobs", "team-slack"  # a warning: the routing sends it to the team channel only


@pytest.fixture(scope="module")
def taskq_stack(tmp_path_factory):
    for tool in ("prometheus", "prometheus-alertmanager"):
        require_tool(tool)
    doc = yaml.safe_load(next(p for p in SPECS if p.name == "taskq.yaml").read_text())
    api, worker, prometheus, alertmanager, webhook = free_ports(5)
    doc["services"][0]["port"], doc["services"][1]["port"] = api, worker
    doc["stack"]["ports"].update(prometheus=prometheus, alertmanager=alertmanager, webhook=webhook)
    spec = tmp_path_factory.mktemp("taskq") / "taskq.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    lines: list[str] = []
    up = subprocess.Popen([sys.executable, "-m", "stackgen", "up", str(spec), "--fast", "--fast-factor", str(FACTOR),
                           "--faults", "--tick", "0.5"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          start_new_session=True, cwd=ROOT)
    threading.Thread(target=lambda: lines.extend(line.rstrip() for line in up.stdout), daemon=True).start()
    try:
        wait_for("`stackgen up` to report the stack up", lambda: "stack up" in "\n".join(lines) or up.poll() is not None,
                 90)
        assert up.poll() is None, "\n".join(lines)
        urls = StackURLs(*(f"http://127.0.0.1:{p}" for p in (prometheus, alertmanager, webhook, api)))
        urls.authorize("\n".join(lines))  # Prometheus and Alertmanager ask for basic auth
        yield urls
    finally:
        up.send_signal(signal.SIGTERM)
        try:
            up.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(up.pid, signal.SIGKILL)
            up.wait(timeout=10)


def test_a_taskq_alert_fault_fires_reaches_its_receiver_and_resolves(taskq_stack):
    urls = taskq_stack
    since = time.time()
    switched = post_json(f"{urls.service}/admin/faults", {"alert": ALERT, "active": True})
    assert (switched["kind"], switched["active"]) == ("drive", True)
    try:
        firing = wait_for(f"{ALERT} firing in Prometheus", lambda: urls.prom_alerts(ALERT, "firing"), 60)
        assert firing[0]["labels"]["queue"] == "email"
        delivered = wait_for(f"{ALERT} delivered", lambda: urls.delivered(ALERT, "firing", since), 60)
        assert {receiver for receiver, _, _ in delivered} == {RECEIVER}
    finally:
        post_json(f"{urls.service}/admin/faults", {"alert": ALERT, "active": False})
    wait_for(f"{ALERT} resolved at {RECEIVER}", lambda: urls.delivered(ALERT, "resolved", since), 90)
    assert not urls.prom_alerts(ALERT)
