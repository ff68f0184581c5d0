"""Alert unit tests from the spec: derived expectations, the promtool file, and `stackgen test`."""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT, SPECS, require_tool

from stackgen.model import RecordingRule
from stackgen.pipeline import render_stack
from stackgen.render.alert_expect import index_rules, parse_series, surviving_labels
from stackgen.render.alert_template import NotStatic, expand_template
from stackgen.render.alert_tests import TEST_FILE, render_alert_tests
from stackgen.render.template_funcs import go_float
from stackgen.spec.loader import load_spec
from stackgen.targets.registry import COMPOSE

PATH = {"job": "dashboard", "site": "paris", "path": "mpls"}
RULES = index_rules([RecordingRule("job:errors:rate5m", "sum by (job) (rate(errors_total[5m]))", {"tier": "api"}),
                     RecordingRule("db:errors:rate5m", "sum by (job) (rate(db_errors_total[5m]))", {"team": "db"})])

LABEL_CASES = [
    ("a comparison keeps every label of the series", "up == 0", [("up", PATH)], PATH),
    ("sum by keeps only its grouping labels", "sum by (job) (rate(x_total[5m])) > 1",
     [("x_total", {**PATH, "status": "500"})], {"job": "dashboard"}),
    ("sum without drops the listed labels", "sum without (path) (x) > 1", [("x", PATH)],
     {"job": "dashboard", "site": "paris"}),
    ("a sum with no grouping keeps no label", "sum(x) > 1", [("x", PATH)], {}),
    ("histogram_quantile drops le", "histogram_quantile(0.9, sum by (job, le) (rate(b[5m]))) > 1",
     [("b", {"job": "dashboard", "le": "0.5", "route": "/"})], {"job": "dashboard"}),
    ("on() keeps only the matching labels", "a / on(job) b > 1", [("a", PATH), ("b", {"job": "dashboard"})],
     {"job": "dashboard"}),
    ("ignoring() drops the ignored labels", "a / ignoring(path) b > 1", [("a", PATH), ("b", PATH)],
     {"job": "dashboard", "site": "paris"}),
    ("group_left adds the labels it names", "a * on(job) group_left(team) info > 1",
     [("a", {"job": "dashboard"}), ("info", {"job": "dashboard", "team": "netops"})],
     {"job": "dashboard", "team": "netops"}),
    ("a recording rule is followed, with its own labels", "job:errors:rate5m > 1",
     [("errors_total", {"job": "dashboard", "code": "E1"})], {"job": "dashboard", "tier": "api"}),
    ("a label whose input series disagree is left to the case", "up == 0",
     [("up", PATH), ("up", {**PATH, "path": "lte"})], {"job": "dashboard", "site": "paris"}),
    ("an unrelated recording rule's labels leave the alert's labels alone", "x > 1",
     [("x", {"job": "dashboard", "team": "web"})], {"job": "dashboard", "team": "web"}),
    ("absent_over_time carries the equality matchers of its selector, job included",
     'absent_over_time(pg_up{job="pg", instance=~"db.*"}[5m])', [], {"job": "pg"}),
    ("absent() of a series that exists yields nothing", 'absent(up{job="dashboard"})', [("up", PATH)], {}),
    ("a label matched twice is dropped from absent()", 'absent(up{job="a", job!="b", site="paris"})', [],
     {"site": "paris"}),
    ("or answers from the side whose input is there: the absent side has no instance",
     'pg_up{job="pg"} == 0 or absent_over_time(pg_up{job="pg"}[5m])', [("other", {"instance": "i"})], {"job": "pg"}),
    ("or answers from the left when its input is there", 'pg_up{job="pg"} == 0 or absent(pg_up{job="pg"})',
     [("pg_up", {"job": "pg", "instance": "db1"})], {"job": "pg", "instance": "db1"}),
    ("unless drops the left side when the right side matches it", "a unless on(job) b",
     [("a", PATH), ("b", {"job": "dashboard"})], {}),
    ("unless keeps the left side when the right side has no input", "a unless on(job) b", [("a", PATH)], PATH),
    ("label_replace computes the new label from the source label", 'label_replace(up, "host", "$1", "instance", "(.*):.*")',
     [("up", {"instance": "db1:9100"})], {"host": "db1", "instance": "db1:9100"}),
    ("label_replace leaves the label alone when the regex does not match the whole value",
     'label_replace(up, "host", "$1", "instance", "x(.*)")', [("up", {"instance": "db1:9100"})], {"instance": "db1:9100"}),
    ("label_join joins its source labels", 'label_join(up, "where", "/", "site", "path")', [("up", PATH)],
     {**PATH, "where": "paris/mpls"}),
    ("group_right keeps the right side's labels and adds the named ones from the left",
     "info * on(job) group_right(team) a > 1", [("a", PATH), ("info", {"job": "dashboard", "team": "netops"})],
     {**PATH, "team": "netops"}),
    ("a selector's matchers pick the series that reach the result", 'up{path="mpls"} == 0',
     [("up", PATH), ("up", {**PATH, "path": "lte"})], PATH),
]


@pytest.mark.parametrize("expr, series, expected", [c[1:] for c in LABEL_CASES], ids=[c[0] for c in LABEL_CASES])
def test_expected_labels_are_the_series_labels_the_expression_keeps(expr, series, expected):
    assert surviving_labels(expr, series, RULES) == expected


HUMANIZE_CASES = [  # what Prometheus' template functions print for the same value
    (None, 950.0, "950"), (None, 0.25, "0.25"), (None, 1e21, "1e+21"), (None, 1e6, "1e+06"),
    ("humanize", 1234567.0, "1.235M"), ("humanize", 0.1, "100m"), ("humanize", 0.0, "0"),
    ("humanizePercentage", 0.1234, "12.34%"), ("humanizePercentage", 0.1, "10%"),
    ("humanizeDuration", 90.0, "1m 30s"), ("humanizeDuration", 2.425, "2.425s"),
    ("humanizeDuration", 0.295, "295ms"), ("humanizeDuration", 90061.0, "1d 1h 1m 1s"),
    ("humanize1024", 2048.0, "2ki"), ("humanize1024", 0.5, "0.5"),
    ("humanizeTimestamp", 1.2345, "1970-01-01 00:00:01.234 +0000 UTC"),
]


@pytest.mark.parametrize("fn, value, text", HUMANIZE_CASES, ids=[f"{c[0]}({c[1]})" for c in HUMANIZE_CASES])
def test_values_print_as_prometheus_prints_them(fn, value, text):
    assert expand_template("{{ $value%s }}" % (f" | {fn}" if fn else ""), {}, value) == text


def test_go_float_uses_a_two_digit_exponent():
    assert go_float(1.5e-7) == "1.5e-07"


def test_annotations_expand_labels_and_value_and_a_missing_label_is_empty():
    text = "{{ $labels.path }} loses {{ $value | humanizePercentage }};{{ $labels.missing }}"
    assert expand_template(text, {"path": "mpls"}, 0.1) == "mpls loses 10%;"


def test_a_value_template_is_refused_when_the_case_gives_no_value():
    with pytest.raises(NotStatic, match="the case gives no 'value:'"):
        expand_template("{{ $value }}", {}, None)


def test_series_selectors_are_parsed_with_promql_quoting():
    assert parse_series('x{a="b,c", d="e"}') == ("x", {"a": "b,c", "d": "e"})


def test_the_default_spec_renders_one_promtool_group_per_case_with_full_expectations():
    spec = load_spec()
    rendered = render_alert_tests(spec)
    assert rendered["rule_files"] == ["../recording.yml", "../alerts.yml"]
    assert rendered["evaluation_interval"] == spec.settings.evaluation_interval
    assert len(rendered["tests"]) == sum(len(a.tests) for a in spec.alerts)
    group = next(t for t in rendered["tests"] if t["name"].startswith("PathDown (critical): a path"))
    [expected] = group["alert_rule_test"][0]["exp_alerts"]
    assert expected["exp_labels"] == {"job": "dashboard", "path": "mpls", "service": "dashboard",
                                      "severity": "critical", "site": "paris"}
    assert expected["exp_annotations"]["summary"] == "SD-WAN path mpls at site paris is down"


def test_every_alert_of_the_default_spec_has_a_case_that_fires_and_one_that_does_not():
    for alert in load_spec().alerts:
        assert {c.fires for c in alert.tests} == {True, False}, f"{alert.name} ({alert.severity})"


def test_a_spec_without_cases_renders_no_test_file():
    doc = yaml.safe_load((ROOT / "stackgen" / "specs" / "patronus.yaml").read_text())
    for group in doc["alert_groups"]:
        for alert in group["alerts"]:
            alert.pop("tests", None)
    from stackgen.spec.build import build_spec
    assert TEST_FILE not in render_stack(build_spec(doc, "x.yaml"), COMPOSE).files


@pytest.mark.parametrize("spec", SPECS, ids=[s.stem for s in SPECS])
def test_stackgen_test_passes_on_every_example_spec(cli, spec):
    require_tool("promtool"), require_tool("amtool")
    result = cli("test", spec)
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def write_variant(tmp_path, edit) -> str:
    text = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
    new = edit(text)
    assert new != text, "the edit changed nothing"
    path = tmp_path / "variant.yaml"
    path.write_text(new)
    return str(path)


def test_a_raised_threshold_breaks_the_case_that_fires_and_fails_stackgen_test(cli, tmp_path):
    require_tool("promtool"), require_tool("amtool")
    spec = write_variant(tmp_path, lambda t: t.replace("packet_loss_ratio:\n    value: 0.02",
                                                       "packet_loss_ratio:\n    value: 0.2"))
    result = cli("test", spec)
    assert result.exit_code == 1
    assert "FAIL  alert  HighPacketLoss (warning): 10% loss for 5 minutes warns" in result.output
    assert "ok    alert  HighPacketLoss (warning): 1% loss does not" in result.output
    assert "got:[]" in result.output
    assert "variant.yaml: 42 passed, 1 failed" in result.output  # 33 cases of its own, 10 from its SLOs


def replaced(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced; the edit must find its place (a re-dump changes the text either way)."""
    assert old in text, f"{old!r} is not in the spec"
    return text.replace(old, new)


def without_alert_cases(text: str) -> str:
    """The spec without its alerts' own cases: a test of the routing cases need not wait for promtool on them
    (test_stackgen_test_passes_on_every_example_spec runs them)."""
    doc = yaml.safe_load(text)
    for group in doc["alert_groups"]:
        for alert in group["alerts"]:
            alert.pop("tests", None)
    return yaml.safe_dump(doc, sort_keys=False)


def test_a_routing_case_that_names_the_wrong_receivers_fails_with_what_amtool_found(cli, tmp_path):
    require_tool("promtool"), require_tool("amtool")
    spec = write_variant(tmp_path, lambda t: without_alert_cases(replaced(t, "receivers: [incident-webhook, slack-warning]",
                                                                          "receivers: [slack-warning]")))
    result = cli("test", spec)
    assert result.exit_code == 1
    assert "FAIL  route  A warning goes to the alerts channel" in result.output
    assert "expected slack-warning; amtool: incident-webhook,slack-warning" in result.output


CASE_ERRORS = [
    ("a firing case without the value its summary prints",
     lambda t: t.replace("fires: true\n            value: 0.1\n          - name: 1% loss",
                         "fires: true\n          - name: 1% loss"),
     "alert_groups[sdwan].alerts[HighPacketLoss].tests[10% loss for 5 minutes warns]: this case fires and the "
     "alert's summary prints $value (add 'value:' (the alert's value at 'at'), or write that annotation under the "
     "case's 'annotations:')"),
    ("a series of an undeclared metric",
     lambda t: t.replace("'sdwan_path_packet_loss_ratio{job=\"dashboard\", site=\"paris\", path=\"lte\"}': \"0.1x10\"",
                         "'sdwan_path_loss{job=\"dashboard\"}': \"0.1x10\""),
     "unknown metric 'sdwan_path_loss'"),
]


@pytest.mark.parametrize("edit, message", [c[1:] for c in CASE_ERRORS], ids=[c[0] for c in CASE_ERRORS])
def test_an_invalid_case_is_refused_with_its_location(cli, tmp_path, edit, message):
    result = cli("validate", write_variant(tmp_path, edit))
    assert result.exit_code == 2
    assert message in result.stderr
