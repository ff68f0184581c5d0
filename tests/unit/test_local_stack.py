"""Running the stack locally, without starting it: model transforms, preflight checks, the sink, `up` errors."""

from __future__ import annotations

import json
import socket
import urllib.request
from io import StringIO

import pytest
from support.http_server import serving
from support.ports import free_port

from stackgen.errors import ToolError
from stackgen.local.runner import Binaries, LocalStack, StackError, check_ports, find_binaries, plan_stack
from stackgen.local.sink import Sink, make_handler
from stackgen.pipeline import render_stack
from stackgen.process.fast import duration, scale_windows, seconds, speed_up, with_ports, without_exporters
from stackgen.spec.loader import load_spec
from stackgen.targets.registry import LOCAL

DURATIONS = [("90s", 90), ("1m30s", 90), ("1h", 3600), ("500ms", 0.5), ("2d", 172800)]


@pytest.mark.parametrize("text, secs", DURATIONS, ids=[d[0] for d in DURATIONS])
def test_durations_read_as_prometheus_reads_them(text, secs):
    assert seconds(text) == secs


@pytest.mark.parametrize("secs, text", [(90, "1m30s"), (3600, "1h"), (0.5, "500ms"), (2, "2s")])
def test_seconds_print_as_the_shortest_duration(secs, text):
    assert duration(secs) == text


def test_range_windows_shrink_but_not_below_the_floor():
    assert scale_windows("rate(a[5m]) / rate(b[10s]) + max_over_time(c[1h:1m])", 30, 5) == \
        "rate(a[10s]) / rate(b[5s]) + max_over_time(c[2m:2s])"


def test_speed_up_changes_the_clocks_and_keeps_thresholds_and_names():
    spec = load_spec()
    fast = speed_up(spec, interval="1s", factor=30)
    assert (fast.settings.scrape_interval, fast.settings.evaluation_interval) == ("1s", "1s")
    pairs = {(a.name, a.severity): (a.for_, b.for_) for a, b in zip(spec.alerts, fast.alerts)}
    assert pairs[("PathDown", "critical")] == ("1m", "2s")
    assert pairs[("NoActiveUsers", "info")] == ("30m", "1m")
    assert [a.expr.split(">")[-1] for a in spec.alerts] == [a.expr.split(">")[-1] for a in fast.alerts]
    assert all("[10s]" in r.expr for r in fast.recording_rules if "rate(" in r.expr)
    assert (fast.routing.group_wait, fast.routing.group_interval) == ("1s", "10s")
    assert [r.group_wait for r in fast.routing.routes] == [None, "1s", "1s", None, "10s"]


def test_with_ports_moves_components_services_and_exporters():
    spec = with_ports(load_spec(), {"prometheus": 19090}, {"dashboard": 18443}, {"node-exporter": 19100})
    assert spec.stack.ports["prometheus"] == 19090 and spec.stack.ports["alertmanager"] == 9093
    assert spec.services[0].port == 18443 and spec.exporters[0].port == 19100


def test_the_local_target_sends_every_receiver_to_the_sink_and_scrapes_loopback():
    spec = with_ports(load_spec(), {"webhook": 19095})
    files = render_stack(spec, LOCAL).files
    am = files["alertmanager/config.yml"].decode()
    assert am.count("url: http://127.0.0.1:19095/hooks/") == len(spec.routing.receivers)
    for leaked in ("slack_configs", "pagerduty_configs", "email_configs", "_file", "example.com"):
        assert leaked not in am
    prom = files["prometheus/prometheus.yml"].decode()
    assert "127.0.0.1:8443" in prom and "127.0.0.1:9100" in prom


def test_without_exporters_drops_their_scrape_jobs():
    files = render_stack(without_exporters(load_spec()), LOCAL).files
    assert "node-exporter" not in files["prometheus/prometheus.yml"].decode()


def test_the_plan_runs_service_exporter_sink_alertmanager_then_prometheus(tmp_path):
    binaries = Binaries("/bin/prometheus", "/bin/alertmanager", "/bin/node-exporter")
    plan = plan_stack(load_spec(), None, binaries, tmp_path, faults=True, tick=0.5)
    assert [c.name for c in plan] == ["dashboard", "node-exporter", "webhook-sink", "alertmanager", "prometheus"]
    am, prom = plan[3].command, plan[4].command
    assert "--cluster.listen-address=" in am and f"--storage.path={tmp_path / 'alertmanager-data'}" in am
    assert f"--config.file={tmp_path / 'generated' / 'prometheus' / 'prometheus.yml'}" in prom
    assert (tmp_path / "generated" / "prometheus" / "prometheus.yml").is_file()
    assert plan[0].command[-3:] == ["--faults", "--tick", "0.5"]
    assert plan[0].ready_url == "http://127.0.0.1:8443/health/ready"


@pytest.fixture
def taken_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_taken_port_fails_before_anything_starts(tmp_path, taken_port):
    spec = with_ports(load_spec(), {"alertmanager": taken_port})
    plan = plan_stack(spec, None, Binaries("/bin/false", "/bin/false", None), tmp_path)
    stack = LocalStack(plan)
    with pytest.raises(StackError, match=rf"port {taken_port} on 127.0.0.1 \(alertmanager\) is already in use"):
        stack.start()
    assert stack.pids() == []


def test_two_components_on_one_port_are_refused(tmp_path):
    spec = with_ports(load_spec(), {"alertmanager": 9090, "prometheus": 9090})
    with pytest.raises(StackError, match="port 9090 is configured for both alertmanager and prometheus"):
        check_ports(plan_stack(spec, None, Binaries("/bin/false", "/bin/false", None), tmp_path))


def test_a_component_that_exits_stops_the_start_with_its_log(tmp_path):
    spec = with_ports(load_spec(), {}, {"dashboard": 0})
    plan = plan_stack(spec, None, Binaries("/bin/false", "/bin/false", None), tmp_path)[:1]
    plan[0].command = ["sh", "-c", "echo cannot bind >&2; exit 7"]
    plan[0].port = free_port()
    with pytest.raises(StackError, match="dashboard exited with code 7 before it was ready:\ncannot bind"):
        LocalStack(plan).start(timeout=10)


def test_a_stopped_stack_starts_nothing_again(tmp_path):
    """A proof's fault ends by starting its stopped target again; when an interrupt has stopped the stack
    meanwhile, that start must not leave a process behind the run."""
    spec = with_ports(load_spec(), {}, {"dashboard": 0})
    [component] = plan_stack(spec, None, Binaries("/bin/false", "/bin/false", None), tmp_path)[:1]
    component.command = ["sleep", "60"]
    stack = LocalStack([component])
    stack.stop()
    with pytest.raises(StackError, match="dashboard was not started again: the stack is stopped"):
        stack.launch(component, timeout=1)
    assert component.process is None


def test_a_missing_binary_is_named_with_how_to_install_it(tmp_path):
    with pytest.raises(ToolError, match=r"prometheus: not found at /nonexistent/prometheus; install it with "
                                        r"`apt-get install prometheus`"):
        find_binaries(prometheus="/nonexistent/prometheus")


def test_up_fails_fast_on_a_missing_binary(cli):
    result = cli("up", "--alertmanager", "/nonexistent/am")
    assert result.exit_code == 3
    assert "alertmanager: not found at /nonexistent/am; install it with `apt-get install prometheus-alertmanager`" \
        in result.stderr


def test_up_fails_fast_on_a_taken_port(cli, tmp_path, taken_port):
    text = (tmp_path / "spec.yaml")
    from conftest import ROOT
    text.write_text((ROOT / "stackgen" / "specs" / "patronus.yaml").read_text().replace("port: 8443", f"port: {taken_port}"))
    result = cli("up", text)
    assert result.exit_code == 4
    assert f"port {taken_port} on 127.0.0.1 (dashboard) is already in use" in result.stderr
    assert "stack stopped" in result.stdout


@pytest.fixture
def sink():
    out = StringIO()
    with serving(make_handler(Sink(out))) as url:
        yield url, out


def _post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_the_sink_logs_each_alert_and_keeps_the_notification(sink):
    url, out = sink
    payload = {"alerts": [{"status": "firing", "labels": {"alertname": "PathDown", "severity": "critical",
                                                          "site": "paris"}}]}
    assert _post(f"{url}/hooks/pagerduty", json.dumps(payload).encode()) == 200
    with urllib.request.urlopen(f"{url}/notifications", timeout=5) as response:
        [kept] = json.load(response)
    assert kept["receiver"] == "pagerduty" and kept["payload"] == payload
    assert "pagerduty: firing PathDown severity=critical site=paris" in out.getvalue()


@pytest.mark.parametrize("path, body, status", [
    ("/hooks/x", b"{not json", 400), ("/hooks/x", b"[1]", 400), ("/hooks/", b"{}", 404), ("/other", b"{}", 404)])
def test_the_sink_refuses_what_is_not_a_notification(sink, path, body, status):
    url, _ = sink
    assert _post(url + path, body) == status
