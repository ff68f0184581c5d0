"""Live: `stackgen verify` proves every example spec (each file in specs/, and the embedded default), so a new
example spec is proven live by adding it; an alert that cannot fire, unmarked, fails the run with a clear line.

Each run starts its own stack on reserved loopback ports and stops it; the subprocess is bounded in time.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from conftest import EMBEDDED_SPEC, ROOT, SPECS, require_tool, starter_spec_without_tests

RUN_TIMEOUT = 600  # seconds: a loaded machine slows every wait; verify bounds its own waits well inside this
EXAMPLES = [None, *(p for p in SPECS if p != EMBEDDED_SPEC)]  # None: the embedded default, as users run it


def run_verify(spec: Path | None, report: Path) -> subprocess.CompletedProcess[str]:
    for tool in ("prometheus", "prometheus-alertmanager", "amtool"):
        require_tool(tool)
    return subprocess.run([sys.executable, "-m", "stackgen", "verify", *([str(spec)] if spec else []),
                           "--report", str(report)], capture_output=True, text=True, timeout=RUN_TIMEOUT, cwd=ROOT)


@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.name if p else "embedded")
def test_verify_proves_every_alert_and_panel_of_the_example_spec(spec, tmp_path):
    run = run_verify(spec, tmp_path / "report.json")
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] is True
    for alert in report["alerts"]:
        assert alert["status"] in ("proven", "skipped"), alert
        if alert["status"] == "proven":
            assert alert["delivered_to"] and alert["delivered_to"] == alert["expected"], alert
            assert alert["fired_after"] is not None and alert["resolved_after"] is not None, alert
        else:
            assert alert["detail"], f"{alert['alert']} is skipped without a reason"
            assert f"skipped: {alert['detail']}" in run.stdout
    assert all(p["status"] in ("proven", "skipped") for p in report["panels"]), report["panels"]
    assert "alert" in run.stdout and "fired after s" in run.stdout and ": verified:" in run.stdout


def test_an_alert_that_cannot_fire_and_is_not_marked_fails_verify_with_a_clear_line(tmp_path):
    doc = yaml.safe_load((ROOT / "specs" / "taskq.yaml").read_text())
    doc["alert_groups"] = [g for g in doc["alert_groups"] if any(a["name"] == "WorkersSaturated" for a in g["alerts"])]
    for group in doc["alert_groups"]:
        group["alerts"] = [{k: v for k, v in a.items() if k != "verify"} for a in group["alerts"]
                           if a["name"] == "WorkersSaturated"]
    doc["routing"].pop("tests", None)  # its cases name alerts this spec no longer has
    doc.pop("slos", None)  # and its SLO alerts would be proven beside it
    spec = tmp_path / "saturated.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    run = run_verify(spec, tmp_path / "report.xml")
    assert run.returncode == 1, run.stdout + run.stderr
    assert ("WorkersSaturated: FAILED: cannot fire: no firing unit test to derive the fault from, and the expression "
            "is not a gauge or a ratio of counter rates over a threshold; add a firing unit test, or mark it "
            "`verify: {skip: <reason>}` in the spec") in run.stdout
    assert "saturated.yaml: NOT verified: 0 alerts proven, 0 marked not provable, 1 failed" in run.stdout
    assert '<failure message="cannot fire: no firing unit test' in (tmp_path / "report.xml").read_text()


def test_the_starter_spec_without_alert_tests_is_proven_from_its_expressions_on_the_fast_clock(tmp_path):
    # HighErrorRate's ratio of recording rules over status=~"5.." has no case to derive its fault from, and
    # its `for: 5m` runs as 5 s: the proof waits for the clock the stack runs, not the spec as written.
    spec = starter_spec_without_tests(tmp_path, "HighErrorRate")
    run = run_verify(spec, tmp_path / "report.json")
    assert run.returncode == 0, run.stdout + run.stderr
    alerts = {a["alert"]: a for a in json.loads((tmp_path / "report.json").read_text())["alerts"]}
    assert alerts["HighErrorRate"]["status"] == "proven", alerts["HighErrorRate"]
    assert alerts["HighErrorRate"]["fired_after"] < 60, "fired later than 5 s of `for` plus a minute of slack"


def test_verify_ended_by_sigterm_stops_the_stack_it_started(tmp_path):
    # `timeout` and a cancelled CI job send SIGTERM: the stack's processes must not outlive the run.
    for tool in ("prometheus", "prometheus-alertmanager", "amtool"):
        require_tool(tool)
    spec = starter_spec_without_tests(tmp_path, "HighErrorRate")
    run = subprocess.Popen([sys.executable, "-m", "stackgen", "verify", str(spec)], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=ROOT)
    watchdog = threading.Timer(RUN_TIMEOUT, run.kill)
    watchdog.start()
    try:
        urls = []
        for line in run.stdout or ():
            urls += [line.split()[-1]] if line.startswith("ready ") else []
            if ": fault on" in line:  # a proof is waiting on the stack in a worker thread
                break
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=30)
    finally:
        watchdog.cancel()
        run.kill()
    assert (run.returncode, err.splitlines()[-1:]) == (1, ["verify interrupted; the stack it started is stopped"])
    assert len(urls) == 4  # the service, the notification sink, Alertmanager and Prometheus
    for url in urls:
        with pytest.raises(OSError):
            urllib.request.urlopen(url, timeout=2)
    time.sleep(3)  # a component started again late (a proof ending its fault) would be running by now
    assert _processes_naming(tmp_path) == []


def _processes_naming(folder: Path) -> list[str]:
    """Command lines of the running processes that name a path under `folder` (the stack's own name the spec)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # it ended meanwhile
            continue
        if str(folder) in text:
            found.append(text)
    return found
