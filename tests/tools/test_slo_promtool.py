"""The generated SLO rules and alert test cases, rendered by the ordinary renderers, pass the real promtool, and
each generated case fails when its alert is wrong."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import ROOT, require_tool

from stackgen.model import Spec
from stackgen.output.serialize import dump_yaml
from stackgen.pipeline import load
from stackgen.process.slo import SLO, BucketSLI, RatioSLI, expand_slos
from stackgen.render.alert_tests import render_test_files
from stackgen.render.rule_files import render_rule_files
from stackgen.spec.loader import load_spec
from stackgen.targets.layout import SLO_TESTS
from stackgen.verify.spec_tests import run_spec_tests

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
_FAILED = re.compile(r"^\s+name: (.*),\s*$", re.MULTILINE)


def materialise(spec: Spec, folder: Path) -> Path:
    """Every rule file and promtool test file of the spec, as `stackgen generate` writes them."""
    for name, data in {**render_rule_files(spec), **render_test_files(spec)}.items():
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
    rule_files = sorted(str(p.relative_to(rendered)) for p in (rendered / "prometheus").glob("*.yml"))
    assert rule_files == ["prometheus/alerts.yml", "prometheus/recording.yml", "prometheus/slos.yml"]
    checked = promtool("check", "rules", *rule_files, cwd=rendered)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = promtool("test", "rules", SLO_TESTS, cwd=rendered)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "SUCCESS" in tested.stdout


# A wrong alert, as a change to its expression, and the one generated case that must then fail.
WRONG_ALERTS = [
    ("a page threshold above the 15x burn fails the case that pages (the slow pair answers, with its window)",
     "SLOPage", "(14.4 * 0.001)", "(16 * 0.001)",
     "DashboardApiAvailabilitySLOPage (critical): a steady 15x budget burn pages within 5m"),
    ("a slow page pair under the 2x burn fails the case that must not page",
     "SLOPage", "(6 * 0.001)", "(1.5 * 0.001)",
     "DashboardApiAvailabilitySLOPage (critical): a steady 2x budget burn does not page"),
    ("a slow ticket pair above the 2x burn fails the case that opens a ticket",
     "SLOTicket", "(1 * 0.001)", "(2.5 * 0.001)",
     "DashboardApiAvailabilitySLOTicket (warning): a steady 2x budget burn opens a ticket within 5m"),
    ("a ticket that fires on a zero error ratio fails the case without errors",
     "SLOTicket", "> (1 * 0.001)", ">= (0 * 0.001)",
     "DashboardApiAvailabilitySLOTicket (warning): no errors open no ticket"),
]


@pytest.mark.parametrize(("alert", "old", "new", "failing"), [c[1:] for c in WRONG_ALERTS],
                         ids=[c[0] for c in WRONG_ALERTS])
def test_a_wrong_slo_alert_fails_exactly_the_generated_case_that_covers_it(tmp_path, alert, old, new, failing):
    spec = expand_slos(load_spec(CASES[0][1]), PATRONUS_SLOS[:1])
    group = spec.alert_groups[-1]
    wrong = tuple(replace(a, expr=a.expr.replace(old, new)) if a.name.endswith(alert) else a for a in group.alerts)
    assert wrong != group.alerts
    folder = materialise(replace(spec, alert_groups=(*spec.alert_groups[:-1], replace(group, alerts=wrong))), tmp_path)
    tested = promtool("test", "rules", SLO_TESTS, cwd=folder)
    assert tested.returncode == 1, tested.stdout + tested.stderr
    assert set(_FAILED.findall(tested.stderr)) == {failing}, tested.stderr


def test_stackgen_test_reports_failures_from_the_spec_file_and_the_slo_file_by_case():
    spec = load().spec
    own_alert, slo_group = spec.alerts[0], spec.alert_groups[-1]
    page = slo_group.alerts[0]
    broken_own = replace(own_alert, expr=own_alert.expr.replace("== 0", "== 2"))
    broken_page = replace(page, expr=page.expr.replace("(14.4 * 0.001)", "(16 * 0.001)"))
    kept = (spec.alert_groups[0], slo_group)  # one group of the spec's own is enough, and quicker
    groups = tuple(replace(g, alerts=tuple(broken_own if a is own_alert else broken_page if a is page else a
                                           for a in g.alerts)) for g in kept)
    assert spec.routing is not None
    broken = replace(spec, alert_groups=groups, routing=replace(spec.routing, tests=()))
    results = run_spec_tests(broken)
    assert len(results) == sum(len(a.tests) for g in kept for a in g.alerts)
    failed = {r.name: r.detail for r in results if not r.ok}
    assert set(failed) == {"DashboardDown (critical): an instance that stops answering for a minute pages",
                           "DashboardApiAvailabilitySLOPage (critical): a steady 15x budget burn pages within 5m"}
    assert all("alertname: DashboardDown" in d or "alertname: DashboardApiAvailabilitySLOPage" in d
               for d in failed.values()), failed
