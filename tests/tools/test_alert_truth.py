"""Alert test cases tell the truth: what stackgen expects is what Prometheus does, checked by promtool.

Each alert here is one PromQL or template shape whose expected labels or annotations used to be derived
wrongly; every case is rendered by stackgen and run by the real `promtool test rules`, which must agree.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import require_tool

from stackgen.model import Alert, AlertGroup, AlertTest, RecordingRule
from stackgen.render.alert_template import UnrenderableAnnotation
from stackgen.render.alert_tests import expected_alert, render_alert_tests, unrenderable_cases
from stackgen.spec.loader import default_spec_bytes, load_spec
from stackgen.verify.spec_tests import run_spec_tests

WEB = 'x{job="web", team="web", instance="w1:80"}'


def case(name: str, series: dict[str, str], fires: bool = True, **more) -> AlertTest:
    return AlertTest(name, tuple(series.items()), "5m", fires, **more)


# (alert name, expr, annotations, cases)
ALERTS = [
    ("AbsentPg", 'absent_over_time(pg_up{job="pg", instance=~"db.*"}[5m])', {},
     [case("no pg_up at all fires with job from the selector", {'other{a="b"}': "1x10"}),
      case("a pg_up sample keeps it quiet", {'pg_up{job="pg", instance="db1"}': "1x10"}, fires=False)]),
    ("PgDownOrGone", 'pg_up{job="pg"} == 0 or absent_over_time(pg_up{job="pg"}[5m])', {},
     [case("gone: labels of the absent side, no instance", {'other{a="b"}': "1x10"}),
      case("down: labels of the series", {'pg_up{job="pg", instance="db1"}': "0x10"})]),
    ("NoFallback", 'errors_total{job="web"} > 0 unless on(job) fallback_up', {},
     [case("errors and no fallback fire", {'errors_total{job="web", code="500"}': "1x10"}),
      case("a fallback silences it", {'errors_total{job="web", code="500"}': "1x10", 'fallback_up{job="web"}': "1x10"},
           fires=False)]),
    ("JobErrors", "sum by (job) (rate(errors_total[5m])) > 0", {},
     [case("by keeps only job", {'errors_total{job="web", code="500"}': "0+60x10"})]),
    ("HostDown", 'label_replace(up, "host", "$1", "instance", "(.*):.*") == 0', {},
     [case("host is computed from instance", {'up{job="node", instance="db1:9100"}': "0x10"})]),
    ("JoinedDown", 'label_join(up{job="node"}, "where", "/", "job", "instance") == 0', {},
     [case("where joins job and instance", {'up{job="node", instance="db1:9100"}': "0x10"})]),
    ("TeamErrors", "errors_total * on(job) group_left(team) team_info > 1", {},
     [case("group_left brings team", {'errors_total{job="web", code="500"}': "5x10",
                                      'team_info{job="web", team="payments"}': "1x10"})]),
    ("WebSlow", "x > 1", {},
     [case("an unrelated rule's team: db leaves team: web alone", {WEB: "5x10"})]),
    ("RecordedErrors", "job:errors:rate5m > 0", {},
     [case("the rule is followed, with its own labels", {'errors_total{job="web", code="500"}': "0+60x10"})]),
    ("EitherHigh", "a > 5 or b > 0", {},
     [case("b fires although a has input: the case gives its labels", {'a{job="a"}': "1x10", 'b{job="b"}': "1x10"},
           labels={"alertname": "EitherHigh", "job": "b", "severity": "warning"}, exact_labels=True)]),
    ("Templated", "x > 1", {
        "sizes": "{{ $value | humanize1024 }} {{ humanize 1234567 }} {{ humanizeDuration 3661 }} {{ 0.25 | humanizePercentage }}",
        "times": "{{ humanizeTimestamp 1700000000 }} | {{ $value | toTime }} | {{ parseDuration \"1h30m\" }}",
        "strings": '{{ toUpper $labels.job }} {{ toLower "ABC" }} {{ title "hello wORLD-foo_bar" }} '
                   '{{ reReplaceAll "(.*):(.*)" "$2-$1" $labels.instance }} {{ match "^w" $labels.instance }}',
        "hosts": '{{ $labels.instance | stripPort }} {{ stripDomain "db1.example.com:5432" }} {{ stripDomain "10.0.0.1:80" }}',
        "printf": '{{ printf "%.2f|%5.1f|%d|%s|%q|%x|%v|%e" $value $value 42 "s" "q" 255 $value 1234.5 }}',
        "control": "{{ if gt $value 4.0 }}big{{ else if gt $value 1.0 }}mid{{ else }}small{{ end }}"
                   "{{ with $labels.team }} team={{ . }}{{ end }}{{ range $k, $v := $labels }} {{ $k }}={{ $v }}{{ end }}",
        "data": "{{ $externalLabels.cluster }} {{ len $labels }} {{ index $labels \"job\" }} {{ eq $labels.job \"web\" }} "
                "{{ print 1 2 \"a\" 3.5 }} {{ args 1 \"x\" }} {{ $labels }} {{ graphLink \"up == 0\" }} {{ .Value }}",
        "escapes": '{{ js "a\'b<" }} {{ slice "hello" 1 3 }} {{ tableLink "up" }} {{ safeHtml "<b>" }} {{ html "<a>" }} '
                   '{{ urlquery "a b&c" }} {{ println 1 "x" }}{{ not false }} {{ and 1 0 }} {{ or 0 "y" }}',
        "define": '{{ define "who" }}[{{ . }}]{{ end }}{{ template "who" $labels.job }}'
                  "{{ range $labels }}{{ if eq . \"web\" }}{{ break }}{{ end }}{{ . }};{{ end }}",
     }, [case("every template function renders as Prometheus renders it", {WEB: "3000x10"}, value=3000.0)]),
]
RULES = (RecordingRule("job:errors:rate5m", "sum by (job) (rate(errors_total[5m]))", {"tier": "api"}),
         RecordingRule("db:load", "sum by (job) (db_queries)", {"team": "db"}))


def truth_spec():
    spec = load_spec()
    alerts = tuple(Alert(name, "truth", expr, expr, "warning", "s", annotations=annotations, tests=tuple(cases))
                   for name, expr, annotations, cases in ALERTS)
    return replace(spec, recording_rules=RULES, alert_groups=(AlertGroup("truth", "Truth", alerts),),
                   settings=replace(spec.settings, external_labels={"cluster": "eu1"}))


def test_promtool_passes_every_case_with_the_expectations_stackgen_derives():
    require_tool("promtool"), require_tool("amtool")
    results = [r for r in run_spec_tests(truth_spec()) if r.kind == "alert"]
    assert len(results) == sum(len(cases) for *_, cases in ALERTS)
    assert [(r.name, r.detail) for r in results if not r.ok] == []


EXPECTED_LABELS = [  # (alert, case index, the labels besides alertname, severity)
    ("AbsentPg", 0, {"job": "pg"}),
    ("PgDownOrGone", 0, {"job": "pg"}),
    ("PgDownOrGone", 1, {"job": "pg", "instance": "db1"}),
    ("HostDown", 0, {"job": "node", "instance": "db1:9100", "host": "db1"}),
    ("WebSlow", 0, {"job": "web", "team": "web", "instance": "w1:80"}),
    ("RecordedErrors", 0, {"job": "web", "tier": "api"}),
]


@pytest.mark.parametrize("name, index, labels", EXPECTED_LABELS, ids=[f"{n}[{i}]" for n, i, _ in EXPECTED_LABELS])
def test_the_expected_labels_are_the_ones_prometheus_gives(name, index, labels):
    spec = truth_spec()
    alert = next(a for a in spec.alerts if a.name == name)
    assert expected_alert(spec, alert, alert.tests[index])["exp_labels"] == {**labels, "severity": "warning"}


def test_external_labels_go_into_the_test_group_of_an_alert_that_reads_them():
    groups = render_alert_tests(truth_spec())["tests"]
    assert [g["external_labels"] for g in groups if "external_labels" in g] == [{"cluster": "eu1"}]


def test_a_case_can_replace_its_expected_labels():
    spec = truth_spec()
    alert = next(a for a in spec.alerts if a.name == "EitherHigh")
    assert expected_alert(spec, alert, alert.tests[0])["exp_labels"] == {
        "alertname": "EitherHigh", "job": "b", "severity": "warning"}


QUERYING = Alert("Queried", "truth", "x > 1", "x > 1", "warning", "s",
                 annotations={"peers": '{{ (query "up") | first | value }} peers up'},
                 tests=(case("fires", {WEB: "5x10"}),))


def test_an_annotation_that_queries_prometheus_is_refused_naming_the_alert_and_case():
    spec = truth_spec()
    with pytest.raises(UnrenderableAnnotation) as error:
        expected_alert(spec, QUERYING, QUERYING.tests[0])
    assert str(error.value) == (
        "alert Queried (warning), case 'fires': annotation 'peers' cannot be derived ('query' reads Prometheus' "
        "data); write the expected text of 'peers' under the case's 'annotations:'")


def test_an_annotation_that_queries_prometheus_is_fine_when_the_case_gives_it():
    given = replace(QUERYING.tests[0], annotations={"peers": "3 peers up"})
    assert expected_alert(truth_spec(), QUERYING, given)["exp_annotations"]["peers"] == "3 peers up"


def test_validate_can_list_every_case_whose_annotations_cannot_be_derived():
    spec = truth_spec()
    group = replace(spec.alert_groups[0], alerts=(*spec.alert_groups[0].alerts, QUERYING))
    found = unrenderable_cases(replace(spec, alert_groups=(group,)))
    assert [(a.name, c.name, e.annotation) for a, c, e in found] == [("Queried", "fires", "peers")]


def test_a_spec_case_with_exact_labels_expects_exactly_the_labels_it_gives(tmp_path):
    text = default_spec_bytes().decode()
    old = "            fires: true\n            labels:\n              path: mpls\n"
    assert text.count(old) == 1
    given = {"alertname": "PathDown", "severity": "critical", "service": "dashboard", "job": "dashboard",
             "site": "paris", "path": "mpls"}
    spec_file = tmp_path / "exact.yaml"
    spec_file.write_text(text.replace(old, "            fires: true\n            exact_labels: true\n            labels:\n"
                                      + "".join(f"              {k}: {v}\n" for k, v in given.items())))
    spec = load_spec(spec_file)
    alert = next(a for a in spec.alerts if a.name == "PathDown")
    assert alert.tests[0].exact_labels
    group = next(g for g in render_alert_tests(spec)["tests"] if g["name"].startswith("PathDown"))
    assert group["alert_rule_test"][0]["exp_alerts"][0]["exp_labels"] == dict(sorted(given.items()))
