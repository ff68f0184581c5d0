"""SLOs written in the spec: located errors for bad ones, and every command seeing them as ordinary rules."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, SPECS

from stackgen.pipeline import load
from stackgen.process.fast import speed_up
from stackgen.process.slo import SLO, RatioSLI, expand_slos
from stackgen.process.slo_tests import input_series
from stackgen.render.alert_expect import index_rules, parse_series, surviving_labels
from stackgen.spec.loader import load_spec

PATRONUS = ROOT / "stackgen" / "specs" / "patronus.yaml"
AVAILABILITY = "slos[dashboard-api-availability]"
LATENCY = "slos[dashboard-login-latency]"

# (sentence, text in the Patronus spec, its replacement, the line holding the error, the message after it)
BAD_SLOS = [
    ("an objective of 100% has no budget", "objective: 99.9", "objective: 100", "objective: 100",
     f"{AVAILABILITY}.objective: 100 is not within (0, 100) (write a percentage, e.g. 99.9)"),
    ("an objective of 0 is refused too", "objective: 99\n", "objective: 0\n", "objective: 0",
     f"{LATENCY}.objective: 0 is not within (0, 100)"),
    ("an unknown window suggests a known one", "window: 30d", "window: 30m", "window: 30m",
     f"{AVAILABILITY}.window: '30m' is not one of: 30d, 28d, 7d (did you mean '30d'?)"),
    ("an unknown service suggests a declared one", "  - service: dashboard\n    name: api-availability",
     "  - service: dashbord\n    name: api-availability", "service: dashbord",
     "slos[dashbord-api-availability].service: unknown service 'dashbord' (did you mean 'dashboard'?)"),
    ("a misspelt metric in an SLI query suggests the declared one",
     'errors: sum(rate(http_requests_total{', 'errors: sum(rate(http_request_total{', "http_request_total{",
     f"{AVAILABILITY}.sli.errors: unknown metric 'http_request_total' (did you mean 'http_requests_total'?)"),
    ("a query without the window placeholder says how to write it",
     'total: sum(rate(http_requests_total{job="dashboard"}[{{ window }}]))',
     'total: sum(rate(http_requests_total{job="dashboard"}[5m]))', 'total: sum(rate(http_requests_total{job="dashboard"}[5m',
     f"{AVAILABILITY}.sli.total: has no {{{{ window }}}} placeholder"),
    ("a misspelt latency histogram suggests the declared one", "metric: http_request_duration_seconds, le",
     "metric: http_request_duration_second, le", "http_request_duration_second,",
     f"{LATENCY}.sli.latency.metric: unknown metric 'http_request_duration_second' "
     "(did you mean 'http_request_duration_seconds'?)"),
    ("a latency bound that is not a bucket lists the buckets", 'le: "0.5", selector', 'le: "0.3", selector',
     'le: "0.3"', f"{LATENCY}.sli.latency.le: 0.3 is not a bucket of 'http_request_duration_seconds' (pick one of"),
    ("a ratio SLI needs both queries", '      total: sum(rate(http_requests_total{job="dashboard"}[{{ window }}]))\n',
     "", "    sli:\n      errors", f"{AVAILABILITY}.sli: the SLI has no 'total' query"),
    ("a misspelt key suggests the right one", "    objective: 99.9", "    objectve: 99.9", "objectve",
     f"{AVAILABILITY}.objectve: unknown key 'objectve' (did you mean 'objective'?)"),
    ("a label stackgen sets itself is refused", 'labels: {tier: "1"}', 'labels: {sloth_id: "1"}', "sloth_id",
     f"{AVAILABILITY}.labels.sloth_id: not a label name stackgen may set"),
    ("an SLI whose series cannot be told apart cannot have generated tests",
     'errors: sum(rate(http_requests_total{job="dashboard", status=~"5.."}[{{ window }}]))',
     'errors: sum(rate(http_requests_total{status=~"5.."}[{{ window }}])) + sum(rate(http_errors_total[{{ window }}]))',
     "    sli:\n      errors", f"{AVAILABILITY}.sli: cannot derive alert tests:"),
    ("an SLO alert may not take the name of a spec alert", "name: login-latency\n",
     "name: login-latency\n    alerting: {page: {name: DashboardDown}}\n", "page: {name: DashboardDown}",
     f"{LATENCY}.alerting.page: the page alert's name 'DashboardDown' is taken by an alert of the spec"),
    ("two SLOs of a service may not share a name", "name: login-latency", "name: api-availability",
     "name: api-availability\n    description: Logins", f"{AVAILABILITY}.name: duplicate SLO "
                                                          "'dashboard-api-availability'"),
]


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "at", "message"), [c[1:] for c in BAD_SLOS], ids=[c[0] for c in BAD_SLOS])
def test_a_bad_slo_is_refused_at_its_line_with_its_path(cli, tmp_path, old, new, at, message):
    text = PATRONUS.read_text()
    assert text.count(old) == 1, f"the edit must be unambiguous: {old!r}"
    spec = tmp_path / "patronus.yaml"
    spec.write_text(text.replace(old, new))
    result = cli("validate", spec)
    assert result.exit_code == 2, result.output
    line = _line_of(spec.read_text(), at)
    assert f"patronus.yaml:{line}: {message}" in result.stderr


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_every_command_sees_the_slo_alerts_and_rules_as_ordinary_ones(spec_path):
    loaded = load([spec_path]).spec
    raw = load_spec(spec_path)
    assert raw.slos, f"{spec_path.name} declares no SLO"
    names = {a.name for a in loaded.alerts}
    for slo in raw.slos:
        assert {slo.page_name, slo.ticket_name} <= names
        assert all(a.tests for a in loaded.alerts if a.name in (slo.page_name, slo.ticket_name))
    assert sum(r.record == "slo:sli_error:ratio_rate5m" for r in loaded.recording_rules) == len(raw.slos)
    assert f"{raw.name}-slos" in {d.uid for d in loaded.dashboards}


def test_validate_counts_the_slo_alerts(cli):
    result = cli("validate", PATRONUS)
    assert result.exit_code == 0
    assert "18 alerts, 36 recording rules, 2 dashboards" in result.stdout  # 14 + 2x2 alerts, 6 + 2x15 rules


def _windows(expr: str) -> list[str]:
    return re.findall(r"\[([0-9a-z]+)\]", expr)


def test_fast_scales_every_slo_window_by_the_same_factor_and_keeps_the_thresholds():
    spec = load([PATRONUS]).spec
    fast = speed_up(spec, factor=30)
    rules = {(r.record, r.labels.get("sloth_id")): r for r in fast.recording_rules}
    scaled = {"5m": "10s", "30m": "1m", "1h": "2m", "2h": "4m", "6h": "12m", "1d": "48m", "3d": "2h24m",
              "30d": "24h", "28d": "22h24m"}
    for (record, slo_id), rule in rules.items():
        window = record.removeprefix("slo:sli_error:ratio_rate")
        if slo_id and window != record:
            assert set(_windows(rule.expr)) == {scaled[window]}, (record, slo_id, rule.expr)
    slow = {a.name: a for a in spec.alerts}
    for alert in fast.alerts:
        if alert.group == "slos":
            assert alert.expr == slow[alert.name].expr  # names and thresholds only: the rules carry the windows


def test_slos_sharing_an_sli_keep_their_own_labels_in_the_expected_alert():
    errors = 'sum(rate(http_requests_total{job="dashboard", status=~"5.."}[{{ window }}]))'
    total = 'sum(rate(http_requests_total{job="dashboard"}[{{ window }}]))'
    strict, loose = SLO("dashboard", "strict", 99.9, RatioSLI(errors, total)), SLO("dashboard", "loose", 99,
                                                                                    RatioSLI(errors, total))
    spec = expand_slos(load_spec(PATRONUS), (strict, loose))
    page = next(a for a in spec.alerts if a.name == strict.page_name)
    series = [parse_series(s) for s, _ in input_series(strict, 15 * strict.error_budget, 10)]
    labels = surviving_labels(page.expr, series, index_rules(spec.recording_rules))
    assert labels == {"sloth_id": "dashboard-strict", "sloth_service": "dashboard", "sloth_slo": "strict",
                      "sloth_window": "5m"}
