"""SLO expansion: the rules, alerts, test cases and dashboard an objective becomes, and its bad input."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from conftest import ROOT

from stackgen.errors import SpecError
from stackgen.model import AlertGroup, Spec
from stackgen.process.slo import PAGE_WINDOWS, SLO, TICKET_WINDOWS, BucketSLI, RatioSLI, SLOAlerting, expand_slos
from stackgen.process.slo_tests import input_series
from stackgen.render.grafana import render_dashboard
from stackgen.spec.loader import load_spec

PATRONUS = ROOT / "stackgen" / "specs" / "patronus.yaml"
ERRORS = 'sum(rate(http_requests_total{job="dashboard", status=~"5.."}[{{ window }}]))'
TOTAL = 'sum(rate(http_requests_total{job="dashboard"}[{{ window }}]))'
AVAILABILITY = SLO("dashboard", "api-availability", 99.9, RatioSLI(ERRORS, TOTAL), labels={"tier": "1"})
LATENCY = SLO("dashboard", "api-latency", 99, BucketSLI("http_request_duration_seconds", "0.5", 'job="dashboard"'),
              window="28d")
IDS = {"sloth_id": "dashboard-api-availability", "sloth_service": "dashboard", "sloth_slo": "api-availability"}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(PATRONUS)


FACTORS = [
    ("the workbook's factors hold for a 30d window", "30d", [14.4, 6, 3, 1]),
    ("a 28d window spends the same budget shares: factor * 28/30", "28d", [13.44, 5.6, 2.8, 0.9333333333]),
    ("a 7d window spends the same budget shares: factor * 7/30", "7d", [3.36, 1.4, 0.7, 0.2333333333]),
]


@pytest.mark.parametrize(("window", "factors"), [c[1:] for c in FACTORS], ids=[c[0] for c in FACTORS])
def test_burn_rate_factors_scale_with_the_slo_window(window, factors):
    got = [w.factor(window) for w in (*PAGE_WINDOWS, *TICKET_WINDOWS)]
    assert got == pytest.approx(factors)


def test_no_slos_leave_the_spec_as_it_is(spec):
    assert expand_slos(spec, ()) is spec


def test_slo_rules_follow_the_spec_rules_in_a_fixed_order(spec):
    out = expand_slos(spec, (AVAILABILITY, LATENCY))
    assert out.recording_rules[:len(spec.recording_rules)] == spec.recording_rules
    added = out.recording_rules[len(spec.recording_rules):]
    per_slo = [f"slo:sli_error:ratio_rate{w}" for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d")]
    meta = ["slo:objective:ratio", "slo:error_budget:ratio", "slo:time_period:days", "slo:current_burn_rate:ratio",
            "slo:period_burn_rate:ratio", "slo:period_error_budget_remaining:ratio", "sloth_slo_info"]
    assert [r.record for r in added] == [*per_slo, "slo:sli_error:ratio_rate30d", *meta,
                                         *per_slo, "slo:sli_error:ratio_rate28d", *meta]
    assert expand_slos(spec, (AVAILABILITY, LATENCY)) == out


def test_sli_rules_carry_sloth_identifying_labels_and_their_window(spec):
    rules = expand_slos(spec, (AVAILABILITY,)).recording_rules[len(spec.recording_rules):]
    assert rules[0].labels == {**IDS, "tier": "1", "sloth_window": "5m"}
    assert rules[0].expr == ('((sum(rate(http_requests_total{job="dashboard", status=~"5.."}[5m]))) or '
                             '(0 * (sum(rate(http_requests_total{job="dashboard"}[5m])))))\n/\n'
                             '((sum(rate(http_requests_total{job="dashboard"}[5m]))) > 0)')
    assert rules[7].labels["sloth_window"] == "30d"


def test_the_period_ratio_is_averaged_from_the_5m_rule_not_a_30d_range_over_raw_series(spec):
    rules = expand_slos(spec, (AVAILABILITY,)).recording_rules[len(spec.recording_rules):]
    period = rules[7]
    assert period.expr == ('avg_over_time(slo:sli_error:ratio_rate5m{sloth_id="dashboard-api-availability", '
                           'sloth_service="dashboard", sloth_slo="api-availability"}[30d])')
    raw = [r for r in rules if "http_requests_total" in r.expr]
    assert {w for r in raw for w in re.findall(r"\[(\w+)\]", r.expr)} == {"5m", "30m", "1h", "2h", "6h", "1d", "3d"}


def test_metadata_rules_state_objective_and_budget_without_float_noise(spec):
    rules = {r.record: r for r in expand_slos(spec, (AVAILABILITY,)).recording_rules}
    assert rules["slo:objective:ratio"].expr == "vector(0.999)"
    assert rules["slo:error_budget:ratio"].expr == "vector(0.001)"
    assert rules["slo:time_period:days"].expr == "vector(30)"
    assert rules["slo:period_error_budget_remaining:ratio"].expr.startswith("1 - slo:period_burn_rate:ratio{")


def test_the_bucket_form_counts_events_outside_the_bucket_as_errors(spec):
    rules = expand_slos(spec, (LATENCY,)).recording_rules[len(spec.recording_rules):]
    total = 'sum(rate(http_request_duration_seconds_count{job="dashboard"}[5m]))'
    good = 'sum(rate(http_request_duration_seconds_bucket{job="dashboard", le="0.5"}[5m]))'
    assert rules[0].expr == f"({total} - {good})\n/\n(({total}) > 0)"


ALERT_THRESHOLDS = [
    ("a 30d page alert burns 14.4x and 6x", AVAILABILITY, 0, ["(14.4 * 0.001)", "(6 * 0.001)"]),
    ("a 30d ticket alert burns 3x and 1x", AVAILABILITY, 1, ["(3 * 0.001)", "(1 * 0.001)"]),
    ("a 28d page alert burns 13.44x and 5.6x", LATENCY, 0, ["(13.44 * 0.01)", "(5.6 * 0.01)"]),
    ("a 28d ticket alert burns 2.8x and 0.93x", LATENCY, 1, ["(2.8 * 0.01)", "(0.9333333333 * 0.01)"]),
]


@pytest.mark.parametrize(("slo", "index", "bounds"), [c[1:] for c in ALERT_THRESHOLDS],
                         ids=[c[0] for c in ALERT_THRESHOLDS])
def test_alerts_compare_each_window_pair_with_its_scaled_factor(spec, slo, index, bounds):
    alert = expand_slos(spec, (slo,)).alert_groups[-1].alerts[index]
    found = re.findall(r"> (\([0-9.]+ \* [0-9.]+\))", alert.expr)
    assert found == [bounds[0], bounds[0], bounds[1], bounds[1]]


def test_page_and_ticket_alerts_live_in_their_own_group_with_test_cases(spec):
    group = expand_slos(spec, (AVAILABILITY,)).alert_groups[-1]
    assert group.name == "slos"
    page, ticket = group.alerts
    assert (page.name, page.severity, page.labels) == ("DashboardApiAvailabilitySLOPage", "critical",
                                                       {"sloth_severity": "page"})
    assert (ticket.name, ticket.severity) == ("DashboardApiAvailabilitySLOTicket", "warning")
    assert [(c.name, c.at, c.fires) for c in page.tests] == [
        ("a steady 15x budget burn pages within 5m", "5m", True),
        ("a steady 2x budget burn does not page", "5m", False),
        ("no errors do not page", "5m", False)]
    assert [(c.name, c.fires, c.labels.get("sloth_window")) for c in ticket.tests] == [
        ("a steady 2x budget burn opens a ticket within 5m", True, "6h"), ("no errors open no ticket", False, None)]
    assert {c.interval for c in (*page.tests, *ticket.tests)} == {"1m"}


def test_alerting_options_set_names_severities_labels_or_turn_alerts_off(spec):
    custom = replace(AVAILABILITY, alerting=SLOAlerting(page_severity="warning", ticket_severity="info",
                                                        page_labels={"team": "web"}, page_name="ApiBurn"))
    page, ticket = expand_slos(spec, (custom,)).alert_groups[-1].alerts
    assert (page.name, page.severity, page.labels) == ("ApiBurn", "warning", {"team": "web", "sloth_severity": "page"})
    assert ticket.severity == "info"
    quiet = expand_slos(spec, (replace(AVAILABILITY, alerting=SLOAlerting(enabled=False)),))
    assert quiet.alert_groups == spec.alert_groups
    assert len(quiet.recording_rules) == len(spec.recording_rules) + 15


SERIES = [
    ("errors and total of one counter: a matching error series and a good one that fails the errors' regex",
     AVAILABILITY, ('http_requests_total{job="dashboard", status="500"}', 'http_requests_total{job="dashboard"}')),
    ("errors counted apart: one series per counter",
     replace(AVAILABILITY, sli=RatioSLI('sum(rate(http_errors_total{type="server"}[{{window}}]))', TOTAL)),
     ('http_errors_total{type="server"}', 'http_requests_total{job="dashboard"}')),
    ("the bucket form: the good bucket, +Inf and count",
     LATENCY, ('http_request_duration_seconds_bucket{job="dashboard", le="0.5"}',
               'http_request_duration_seconds_bucket{job="dashboard", le="+Inf"}',
               'http_request_duration_seconds_count{job="dashboard"}')),
]


@pytest.mark.parametrize(("slo", "selectors"), [c[1:] for c in SERIES], ids=[c[0] for c in SERIES])
def test_test_series_satisfy_the_sli_selectors(slo, selectors):
    assert tuple(s for s, _ in input_series(slo, 0.01, 5)) == selectors


def test_the_dashboard_has_a_row_per_slo_and_renders_with_grafanalib(spec):
    out = expand_slos(spec, (AVAILABILITY, LATENCY))
    board = out.dashboards[-1]
    assert board.uid == "patronus-slos"
    assert [r.title for r in board.rows] == ["dashboard / api-availability: 99.9% over 30d",
                                             "dashboard / api-latency: 99% over 28d"]
    titles = [p["title"] for p in render_dashboard(board)["panels"]]
    assert titles[:5] == ["dashboard / api-availability: 99.9% over 30d", "Availability over 30d",
                          "Error budget left (30d)", "Burn rate per alert window", "SLI over time"]
    burn = board.rows[1].panels[2]
    assert [t.value for t in burn.thresholds] == [None, 0.9333, 2.8, 5.6, 13.44]
    assert all("slo:" in q.expr for p in board.panels for q in p.queries)


INVALID = [
    ("an objective of 100 has no budget", replace(AVAILABILITY, objective=100),
     "slos[dashboard-api-availability].objective: 100 is not within (0, 100) (write a percentage, e.g. 99.9)"),
    ("an unknown window suggests a known one", replace(AVAILABILITY, window="30m"),
     "slos[dashboard-api-availability].window: unknown SLO window '30m' (did you mean '30d'?)"),
    ("an unknown service suggests a known one", replace(AVAILABILITY, service="dashbord"),
     "slos[dashbord-api-availability].service: unknown service 'dashbord' (did you mean 'dashboard'?)"),
    ("a query without the window placeholder",
     replace(AVAILABILITY, sli=RatioSLI(ERRORS.replace("{{ window }}", "5m"), TOTAL)),
     "slos[dashboard-api-availability].sli.errors: has no {{ window }} placeholder"),
    ("a query that is not PromQL", replace(AVAILABILITY, sli=RatioSLI(ERRORS, "sum(rate(x[{{ window }}])")),
     "slos[dashboard-api-availability].sli.total: invalid PromQL"),
    ("a bucket bound the histogram does not have", replace(LATENCY, sli=BucketSLI("http_request_duration_seconds", "0.3")),
     "slos[dashboard-api-latency].sli.le: 0.3 is not a bucket of 'http_request_duration_seconds' (pick one of"),
    ("a latency SLI on a counter", replace(LATENCY, sli=BucketSLI("http_requests_total", "0.5")),
     "slos[dashboard-api-latency].sli.metric: 'http_requests_total' is a counter, not a histogram"),
    ("an unknown severity", replace(AVAILABILITY, alerting=SLOAlerting(page_severity="page")),
     "slos[dashboard-api-availability].alerting.page_severity: unknown severity 'page' (one of: critical, warning"),
    ("a label in Sloth's namespace", replace(AVAILABILITY, labels={"sloth_id": "x"}),
     "slos[dashboard-api-availability].labels.sloth_id: not a label name stackgen may set"),
    ("an SLI whose test series cannot be derived",
     replace(AVAILABILITY, sli=RatioSLI("sum(rate(a_total[{{window}}])) + sum(rate(b_total[{{window}}]))", TOTAL)),
     "slos[dashboard-api-availability].sli: cannot derive alert tests: 'sum(rate(a_total[5m])) + "
     "sum(rate(b_total[5m]))' selects 2 series selectors, not one (give errors and total one series selector each"),
]


@pytest.mark.parametrize(("slo", "message"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_bad_slos_are_rejected_with_a_located_message(spec, slo, message):
    with pytest.raises(SpecError) as error:
        expand_slos(spec, (slo,))
    assert str(error.value).startswith(f"patronus.yaml: {message}")


def test_two_slos_with_one_id_and_a_taken_group_name_are_rejected(spec):
    taken = replace(spec, alert_groups=(*spec.alert_groups, AlertGroup("slos", "mine", ())))
    with pytest.raises(SpecError) as error:
        expand_slos(taken, (AVAILABILITY, AVAILABILITY))
    assert str(error.value).splitlines() == [
        "patronus.yaml: slos[dashboard-api-availability].name: SLO 'dashboard-api-availability' is defined twice "
        "(give each SLO of a service its own name)",
        "patronus.yaml: alert_groups[slos]: the alert group name 'slos' is kept for SLO alerts (rename the group)"]
