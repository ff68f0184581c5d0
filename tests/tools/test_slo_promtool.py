"""The generated SLO rules and alert test cases, rendered by the ordinary renderers, pass the real promtool."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, require_tool

from stackgen.model import Spec
from stackgen.output.serialize import dump_yaml
from stackgen.process.slo import SLO, BucketSLI, RatioSLI, expand_slos
from stackgen.render.alert_tests import TEST_FILE, render_alert_tests
from stackgen.render.rules import render_alert_rules, render_recording_rules
from stackgen.spec.loader import load_spec
from stackgen.targets.layout import ALERT_RULES, RECORDING_RULES

PATRONUS_SLOS = (
    SLO("dashboard", "api-availability", 99.9,
        RatioSLI('sum(rate(http_requests_total{job="dashboard", status=~"5.."}[{{ window }}]))',
                 'sum(rate(http_requests_total{job="dashboard"}[{{ window }}]))'), labels={"tier": "1"}),
    SLO("dashboard", "api-latency", 99, BucketSLI("http_request_duration_seconds", "0.5", 'job="dashboard"'),
        window="28d"),
)
TASKQ_SLOS = (
    SLO("api", "enqueue-availability", 99.5,
        RatioSLI('sum(rate(http_requests_total{job="api", route="/jobs", status=~"5..|429"}[{{window}}]))',
                 'sum(rate(http_requests_total{job="api", route="/jobs"}[{{window}}]))'), window="7d"),
)
CASES = [
    ("patronus: a 30d availability and a 28d latency SLO", ROOT / "stackgen" / "specs" / "patronus.yaml",
     PATRONUS_SLOS),
    ("taskq: a 7d availability SLO", ROOT / "specs" / "taskq.yaml", TASKQ_SLOS),
]


def materialise(spec: Spec, folder: Path) -> Path:
    """The rule files of the whole spec, and a promtool test file with the SLO alerts' cases only (the spec's
    own cases are tested elsewhere)."""
    slo_only = replace(spec, alert_groups=spec.alert_groups[-1:])
    files = {RECORDING_RULES: render_recording_rules(spec), ALERT_RULES: render_alert_rules(spec),
             TEST_FILE: render_alert_tests(slo_only)}
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(dump_yaml(data, "test"))
    return folder


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([require_tool("promtool"), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(params=CASES, ids=[c[0] for c in CASES])
def rendered(request, tmp_path) -> Path:
    _, path, slos = request.param
    return materialise(expand_slos(load_spec(path), slos), tmp_path)


def test_promtool_accepts_the_slo_rules_and_passes_every_generated_case(rendered):
    checked = promtool("check", "rules", RECORDING_RULES, ALERT_RULES, cwd=rendered)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = promtool("test", "rules", TEST_FILE, cwd=rendered)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


def test_a_page_threshold_above_the_burn_fails_the_generated_case(tmp_path):
    """The cases can fail: a page alert that wants 16x does not fire on the 15x burn."""
    spec = expand_slos(load_spec(CASES[0][1]), PATRONUS_SLOS[:1])
    page = spec.alert_groups[-1].alerts[0]
    broken = replace(page, expr=page.expr.replace("(14.4 * 0.001)", "(16 * 0.001)"), tests=page.tests[:1])
    group = replace(spec.alert_groups[-1], alerts=(broken,))
    folder = materialise(replace(spec, alert_groups=(*spec.alert_groups[:-1], group)), tmp_path)
    tested = promtool("test", "rules", TEST_FILE, cwd=folder)
    assert tested.returncode == 1
    assert "DashboardApiAvailabilitySLOPage (critical): a steady 15x budget burn pages within 5m" in tested.stderr
