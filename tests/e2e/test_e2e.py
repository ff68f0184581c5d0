"""Live end-to-end: `stackgen up --fast` runs Patronus on 127.0.0.1; faults must page, and only as the spec says.

One stack for the module (free ports, a 1 s clock, `for` and windows divided by 60). Every wait is bounded;
the `stackgen up` process is stopped with SIGTERM in teardown, which must leave no process behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import pytest
import yaml
from conftest import ROOT, require_tool
from support.ports import PortTaken, start_on_free_ports
from support.probe import StackURLs, get_json, matches, post_json, wait_for

from stackgen.pipeline import load
from stackgen.process.fast import speed_up

# One live stack serves the whole module: with `--dist loadgroup` its tests stay on one worker.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("patronus-live-stack")]

SPEC = ROOT / "stackgen" / "specs" / "patronus.yaml"
FACTOR = 60
START_TIMEOUT = 90
# Patronus: the alert each fault of the service triggers. not_ready has none: no Patronus alert watches
# readiness (the scrape still succeeds, so DashboardDown stays quiet).
FAULT_ALERTS = {
    "path_down": "PathDown",
    "high_latency": "HighPathLatency",
    "packet_loss": "HighPacketLoss",
    "db_errors": "DatabaseErrors",
    "login_failures": "HighLoginFailureRate",
    "slow_http": "SlowHTTPResponses",
}
COMPONENTS = ("prometheus", "alertmanager", "webhook", "dashboard", "node-exporter")
# What `stackgen up` says when a port it was given was taken first (its preflight, or a component's own bind).
PORT_IN_USE = re.compile(r"already in use")


def write_spec_with_ports(path, ports: dict[str, int]) -> None:
    doc = yaml.safe_load(SPEC.read_text())
    doc["services"][0]["port"] = ports["dashboard"]
    doc["exporters"][0]["port"] = ports["node-exporter"]
    doc.setdefault("stack", {}).setdefault("ports", {}).update(
        {k: ports[k] for k in ("prometheus", "alertmanager", "webhook")})
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


class UpProcess:
    """`stackgen up` in its own process group, its output collected by a thread."""

    def __init__(self, command: list[str]) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     start_new_session=True, cwd=ROOT)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip())

    def output(self) -> str:
        return "\n".join(self.lines)

    def pids(self) -> list[int]:
        return [int(p) for p in re.findall(r"\(pid (\d+)\)", self.output())]


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention `text` (the stack's data folder)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        if entry.isdigit() and text in cmdline and alive(int(entry)):
            found.append(f"{entry}: {cmdline}")
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for our purpose
            return stat.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    for tool in ("prometheus", "prometheus-alertmanager", "prometheus-node-exporter", "amtool"):
        require_tool(tool)
    spec_file = tmp_path_factory.mktemp("e2e") / "patronus.yaml"

    def start(free: list[int]) -> tuple[dict[str, int], UpProcess]:
        ports = dict(zip(COMPONENTS, free))
        write_spec_with_ports(spec_file, ports)
        up = UpProcess([sys.executable, "-m", "stackgen", "up", str(spec_file), "--fast", "--fast-factor",
                        str(FACTOR), "--faults", "--tick", "0.5"])
        try:
            wait_for("`stackgen up` to report the stack up",
                     lambda: "stack up" in up.output() or up.proc.poll() is not None, START_TIMEOUT)
        except AssertionError:
            os.killpg(up.proc.pid, signal.SIGTERM)  # stops the components it started, as on Ctrl-C
            up.proc.wait(timeout=30)
            raise
        if up.proc.poll() is not None and PORT_IN_USE.search(up.output()):
            up.proc.wait(timeout=30)
            raise PortTaken(up.output())
        return ports, up

    ports, up = start_on_free_ports(len(COMPONENTS), start)
    try:
        assert up.proc.poll() is None, up.output()
        model = speed_up(load([spec_file]).spec, factor=FACTOR)  # SLOs expanded, as `stackgen up` runs them
        urls = StackURLs(*(f"http://127.0.0.1:{ports[k]}" for k in ("prometheus", "alertmanager", "webhook",
                                                                     "dashboard")))
        urls.authorize(up.output())  # Prometheus and Alertmanager ask for basic auth
        yield model, urls, up
    finally:
        pids = up.pids()
        up.proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            up.proc.wait(timeout=30)
        workdir = re.search(r"configs, data and logs in (\S+);", up.output())
        left = [p for p in pids if alive(p)] + (processes_mentioning(workdir.group(1)) if workdir else [])
        for pid in [up.proc.pid, *pids]:  # whatever happened above, nothing outlives the test
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        up.proc.wait(timeout=10)
        assert not left, f"processes left behind by `stackgen up`: {left}\n{up.output()}"
        assert "stack stopped" in up.output()


def test_every_component_reports_ready_with_its_pid(stack):
    _, _, up = stack
    for name in ("dashboard", "node-exporter", "webhook-sink", "alertmanager", "prometheus"):
        assert re.search(rf"^ready\s+{name}\s+http://127\.0\.0\.1:\d+\s+\(pid \d+\)$", up.output(), re.MULTILINE), \
            up.output()


def test_every_scrape_target_is_up(stack):
    _, urls, _ = stack

    def all_up():
        targets = urls.prom("/api/v1/targets")["activeTargets"]
        return targets if targets and all(t["health"] == "up" for t in targets) else None

    targets = wait_for("every target up", all_up, 30)
    assert {t["labels"]["job"] for t in targets} == {"prometheus", "alertmanager", "dashboard", "node-exporter"}


def test_every_recording_and_alerting_rule_evaluates_without_error(stack):
    model, urls, _ = stack

    def evaluated():
        rules = [r for g in urls.prom("/api/v1/rules")["groups"] for r in g["rules"]]
        broken = [(r["name"], r.get("lastError")) for r in rules if r["health"] == "err"]
        assert not broken, f"rules failing to evaluate: {broken}"
        return rules if all(r["health"] == "ok" for r in rules) else None

    rules = wait_for("every rule evaluated", evaluated, 30)
    assert len(rules) == len(model.recording_rules) + len(model.alerts)


@pytest.fixture(scope="module")
def routed_receivers(stack, tmp_path_factory):
    """The receivers Alertmanager's own routing (amtool) picks for a label set, in notification order."""
    from stackgen.pipeline import render_stack, write_scratch
    from stackgen.targets.local import LOCAL

    model, _, _ = stack
    config = write_scratch(render_stack(model, LOCAL), tmp_path_factory.mktemp("routes")) / "alertmanager/config.yml"

    def receivers(labels: dict[str, str]) -> list[str]:
        result = subprocess.run([require_tool("amtool"), "config", "routes", "test", f"--config.file={config}",
                                 *(f"{k}={v}" for k, v in labels.items())], capture_output=True, text=True, timeout=30)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().split(",")

    return receivers


def fault_target(urls: StackURLs, fault: str) -> dict[str, str]:
    """The labels of what a fault hits (site and path), or {} for a service-wide fault."""
    target = urls.faults()[fault].get("target") or ""
    return dict(item.split("=", 1) for item in target.split(",") if item)


def rfc3339(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def wait_delivered(urls, name, status, target, receivers, since, timeout):
    def arrived():
        got = {r: a for r, a, _ in urls.delivered(name, status, since) if matches(a["labels"], target)}
        return got if set(receivers) <= set(got) else None

    return wait_for(f"{name} {status} at {', '.join(receivers)}", arrived, timeout)


@pytest.mark.parametrize("fault", list(FAULT_ALERTS))
def test_a_fault_fires_its_alert_which_reaches_its_receivers_and_clearing_it_resolves(stack, routed_receivers, fault):
    model, urls, _ = stack
    name = FAULT_ALERTS[fault]
    severity = next(a.severity for a in model.alerts if a.name == name)
    target = fault_target(urls, fault)

    def in_state(state):
        return lambda: [a for a in urls.prom_alerts(name, state) if matches(a["labels"], target)]

    since = time.time()
    urls.set_fault(fault, True)
    try:
        wait_for(f"{name} pending", in_state("pending"), 60, every=0.1)
        firing = wait_for(f"{name} firing", in_state("firing"), 60)[0]
        assert firing["labels"]["severity"] == severity
        wait_for(f"{name} active in Alertmanager", lambda: [
            a for a in urls.am_alerts(name) if matches(a["labels"], target) and a["status"]["state"] == "active"], 30)
        receivers = routed_receivers(firing["labels"])
        delivered = wait_delivered(urls, name, "firing", target, receivers, since, 30)
        assert set(delivered) == set(receivers), f"{name} went to {sorted(delivered)}, routes say {receivers}"
        assert {a["labels"]["severity"] for a in delivered.values()} == {severity}
    finally:
        urls.set_fault(fault, False)
    wait_delivered(urls, name, "resolved", target, receivers, since, 60)
    assert not in_state(None)(), f"{name} still active in Prometheus after its resolution was delivered"


def test_an_slo_page_fires_on_a_fault_and_resolves_on_the_scaled_windows(stack, routed_receivers):
    """The API availability SLO of the default spec: the service drives its page alert's own generated firing
    case (a steady 15x burn); --fast has scaled its 1h/5m windows alike, so it pages within seconds and resolves
    once the short windows are clean."""
    model, urls, _ = stack
    slo = next(s for s in model.slos if s.name == "api-availability")
    name = slo.page_name
    assert get_json(f"{urls.service}/admin/faults")["alerts"][name]["kind"] == "drive"
    wait_for(f"{name} quiet before the fault", lambda: not urls.prom_alerts(name), 120)
    since = time.time()
    post_json(f"{urls.service}/admin/faults", {"alert": name, "active": True})
    try:
        firing = wait_for(f"{name} firing", lambda: urls.prom_alerts(name, "firing"), 90)[0]
        assert {k: firing["labels"][k] for k in ("sloth_id", "sloth_severity", "severity")} == \
            {"sloth_id": slo.id, "sloth_severity": "page", "severity": slo.alerting.page_severity}
        receivers = routed_receivers(firing["labels"])
        wait_delivered(urls, name, "firing", {}, receivers, since, 30)
    finally:
        post_json(f"{urls.service}/admin/faults", {"alert": name, "active": False})
    wait_delivered(urls, name, "resolved", {}, receivers, since, 120)


def test_an_inhibited_alert_is_not_delivered_while_its_inhibitor_fires(stack, routed_receivers):
    """Patronus: PathDown inhibits HighPacketLoss on the same site and path; the down path loses every probe."""
    model, urls, _ = stack
    rule = next(r for r in model.routing.inhibit_rules if r.source_matchers == ('alertname="PathDown"',))
    target = fault_target(urls, "path_down")
    since = time.time()
    urls.set_fault("path_down", True)
    try:
        wait_delivered(urls, "PathDown", "firing", target, ["incident-webhook"], since, 60)
        wait_for("HighPacketLoss firing in Prometheus on the down path", lambda: [
            a for a in urls.prom_alerts("HighPacketLoss", "firing") if matches(a["labels"], target)], 60)
        suppressed = wait_for("HighPacketLoss inhibited in Alertmanager", lambda: [
            a for a in urls.am_alerts("HighPacketLoss")
            if matches(a["labels"], target) and a["status"]["state"] == "suppressed"], 30)
        assert suppressed[0]["status"]["inhibitedBy"], suppressed
        # A marker alert sent after HighPacketLoss reached Alertmanager, routed the same way (same labels, another
        # name, which no inhibit rule targets): once the marker is delivered, so would HighPacketLoss have been.
        labels = {**suppressed[0]["labels"], "alertname": "E2EInhibitionMarker"}
        assert routed_receivers(labels) == routed_receivers(suppressed[0]["labels"])
        urls.post_alert(labels, ends_at=rfc3339(time.time() + 600))
        try:
            wait_delivered(urls, "E2EInhibitionMarker", "firing", target, routed_receivers(labels), since, 60)
        finally:
            urls.post_alert(labels, ends_at=rfc3339(time.time()))
        leaked = [(r, a["labels"]) for r, a, _ in urls.delivered("HighPacketLoss", "firing", since)
                  if matches(a["labels"], target)]
        assert not leaked, f"inhibited alert delivered ({rule.description}): {leaked}"
    finally:
        urls.set_fault("path_down", False)
    wait_for("PathDown resolved", lambda: not urls.prom_alerts("PathDown"), 60)


GRAFANA_RANGE = re.compile(r"\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}")
LABEL_VALUES = re.compile(r"^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$")


def variable_value(urls: StackURLs, query: str) -> str:
    """The first value a Grafana `label_values(selector, label)` variable offers (else any value)."""
    m = LABEL_VALUES.match(query.strip())
    if not m:
        return ".*"
    series = urls.prom("/api/v1/series", **{"match[]": m.group(1)}) if m.group(1).strip() else []
    values = sorted({s[m.group(2)] for s in series if m.group(2) in s})
    return values[0] if values else ".*"


def test_every_dashboard_panel_has_data(stack):
    model, urls, _ = stack
    panels = [(d, p) for d in model.dashboards for p in d.panels]
    assert panels, "the spec declares no dashboard panel"
    values = {v.name: variable_value(urls, v.query) for d in model.dashboards for v in d.variables}
    end = time.time()
    start = end - 600

    def has_data(expr: str) -> bool:
        expr = GRAFANA_RANGE.sub("5s", expr)
        for name, value in values.items():
            expr = re.sub(rf"\$\{{{name}(:[a-z]+)?\}}|\${name}\b", value, expr)
        return bool(urls.prom("/api/v1/query_range", query=expr, start=start, end=end, step=1)["result"])

    # Every query must evaluate (has_data raises on an error); a panel the spec marks empty_when_healthy
    # (5xx rates) may be empty, since whether an earlier fault left errors in the window depends on test order.
    empty = [f"{d.title} / {p.title}: {q.expr}" for d, p in panels for q in p.queries
             if not has_data(q.expr) and not p.empty_when_healthy]
    assert not empty, "panels with no data:\n" + "\n".join(empty)
