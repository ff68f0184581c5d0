"""Naming lint: Prometheus naming conventions, as warnings by default and errors with --strict."""

from __future__ import annotations

import pytest
from conftest import ROOT, SPECS, snapshot

from stackgen.spec.lint import metric_name_findings

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()

FINDINGS = [
    ("a counter without _total", "http_requests", "counter", "",
     "counter 'http_requests' does not end in _total", "rename it 'http_requests_total'"),
    ("a gauge that ends in _total", "queue_items_total", "gauge", "",
     "'queue_items_total' ends in _total, which marks counters, but it is a gauge", "drop the _total suffix"),
    ("milliseconds instead of seconds", "request_latency_ms", "histogram", "",
     "'request_latency_ms' uses the unit 'ms'; Prometheus uses base units (seconds)",
     "rename it 'request_latency_seconds' and record the value in seconds"),
    ("spelt-out milliseconds", "job_duration_milliseconds", "summary", "",
     "uses the unit 'milliseconds'", "rename it 'job_duration_seconds'"),
    ("a percentage instead of a ratio", "cpu_usage_pct", "gauge", "",
     "'cpu_usage_pct' uses the unit 'pct'; Prometheus uses base units (ratio)", "rename it 'cpu_usage_ratio'"),
    ("a spelt-out percentage", "disk_used_percent", "gauge", "", "uses the unit 'percent'", "'disk_used_ratio'"),
    ("kilobytes instead of bytes", "payload_size_kb", "histogram", "",
     "uses the unit 'kb'; Prometheus uses base units (bytes)", "rename it 'payload_size_bytes'"),
    ("camelCase", "httpRequestsTotal", "counter", "", "metric name 'httpRequestsTotal' is not snake_case",
     "rename it 'http_requests_total'"),
    ("_total before the unit", "cpu_total_seconds", "counter", "", "'cpu_total_seconds': _total goes last",
     "rename it 'cpu_seconds_total'"),
    ("a declared unit missing from the name", "request_duration", "histogram", "seconds",
     "'request_duration' declares unit 'seconds' but does not end in _seconds",
     "'request_duration_seconds'"),
    ("a time metric without a unit", "query_latency", "histogram", "",
     "'query_latency' measures time but names no unit", "end it in _seconds"),
]


@pytest.mark.parametrize("name,kind,unit,message,hint", [f[1:] for f in FINDINGS], ids=[f[0] for f in FINDINGS])
def test_a_name_against_the_conventions_is_reported_with_a_rename(name, kind, unit, message, hint):
    found = metric_name_findings(name, kind, unit)
    assert any(message in m and hint in h for m, h in found), found


CLEAN = [("http_requests_total", "counter", ""), ("process_cpu_seconds_total", "counter", "seconds"),
         ("http_request_duration_seconds", "histogram", "seconds"), ("app_memory_usage_bytes", "gauge", "bytes"),
         ("sdwan_path_packet_loss_ratio", "gauge", "ratio"), ("app_info", "gauge", ""), ("sdwan_sites", "gauge", "")]


@pytest.mark.parametrize("name,kind,unit", CLEAN, ids=[c[0] for c in CLEAN])
def test_a_conventional_name_has_no_findings(name, kind, unit):
    assert metric_name_findings(name, kind, unit) == []


@pytest.fixture
def unconventional(tmp_path):
    spec = tmp_path / "spec.yaml"
    text = PATRONUS.replace("  - name: app_uptime_seconds\n", "  - name: app_gc_pause_ms\n    type: gauge\n"
                            "    help: Last garbage-collection pause.\n  - name: app_uptime_seconds\n", 1)
    assert text != PATRONUS
    spec.write_text(text)
    return spec


def test_validate_warns_on_stderr_and_exits_0(cli, unconventional):
    result = cli("validate", unconventional)
    assert result.exit_code == 0, result.output
    assert "spec.yaml:" in result.stderr and ": metrics[app_gc_pause_ms].name: 'app_gc_pause_ms' uses the unit 'ms'" \
        in result.stderr
    assert result.stderr.startswith("warning: ")
    assert ": ok (" in result.stdout


def test_validate_strict_turns_the_warning_into_an_error(cli, unconventional):
    result = cli("validate", unconventional, "--strict")
    assert result.exit_code == 2
    assert ("metrics[app_gc_pause_ms].name: 'app_gc_pause_ms' uses the unit 'ms'; Prometheus uses base units "
            "(seconds) (rename it 'app_gc_pause_seconds' and record the value in seconds)") in result.stderr
    assert "warning:" not in result.stderr


def test_generate_warns_but_renders(cli, unconventional, tmp_path):
    result = cli("generate", unconventional, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr
    assert (tmp_path / "out" / "prometheus" / "alerts.yml").is_file()


def test_generate_strict_refuses_and_leaves_the_output_untouched(cli, unconventional, tmp_path):
    out = tmp_path / "out"
    assert cli("generate", "--out", out).exit_code == 0
    before = snapshot(out)
    result = cli("generate", unconventional, "--out", out, "--strict")
    assert result.exit_code == 2
    assert "'app_gc_pause_ms' uses the unit 'ms'" in result.stderr
    assert snapshot(out) == before


def test_a_threshold_in_milliseconds_is_reported(cli, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(PATRONUS.replace("    unit: seconds\n    description: 95th percentile of HTTP",
                                     "    unit: ms\n    description: 95th percentile of HTTP"))
    result = cli("validate", spec, "--strict")
    assert result.exit_code == 2
    assert "thresholds.http_p95_seconds.unit: unit 'ms' is not a base unit (use seconds" in result.stderr


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_every_example_spec_is_clean_under_strict(cli, spec):
    result = cli("validate", spec, "--strict")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
