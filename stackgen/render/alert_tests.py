"""prometheus/tests/alerts.test.yml: the spec's alert test cases as a `promtool test rules` file.

One promtool test group per case, named `ALERT (severity): case`, so promtool's report names the case.
A case that fires expects exactly this alert under its name at `at`; one that does not fire expects no
alert of that name, so twins that share a name (a warning and a critical) must stay quiet in each other's
cases. Expected labels and annotations are derived (see `alert_expect`).
"""

from __future__ import annotations

from stackgen.model import Alert, AlertTest, Spec
from stackgen.render.alert_expect import expand_annotation, parse_series, surviving_labels
from stackgen.render.rules import alert_labels, render_alert
from stackgen.targets.layout import ALERT_RULES, ALERT_TESTS, RECORDING_RULES, folder_of, relative

TEST_FILE = ALERT_TESTS


def case_name(alert: Alert, case: AlertTest) -> str:
    return f"{alert.name} ({alert.severity}): {case.name}"


def expected_alert(spec: Spec, alert: Alert, case: AlertTest) -> dict:
    series = [parse_series(selector) for selector, _ in case.series]
    labels = {**surviving_labels(alert.expr, series, spec.recording_rules), **alert_labels(alert), **case.labels}
    rendered = render_alert(spec, alert)["annotations"]
    annotations = {k: expand_annotation(v, labels, case.value) for k, v in rendered.items()}
    annotations.update(case.annotations)
    return {"exp_labels": dict(sorted(labels.items())), "exp_annotations": annotations}


def _test_group(spec: Spec, alert: Alert, case: AlertTest) -> dict:
    return {
        "name": case_name(alert, case),
        "interval": case.interval,
        "input_series": [{"series": selector, "values": values} for selector, values in case.series],
        "alert_rule_test": [{
            "eval_time": case.at,
            "alertname": alert.name,
            "exp_alerts": [expected_alert(spec, alert, case)] if case.fires else [],
        }],
    }


def render_alert_tests(spec: Spec) -> dict | None:
    """The promtool test file, or None when the spec has no alert test cases."""
    tests = [_test_group(spec, alert, case) for alert in spec.alerts for case in alert.tests]
    if not tests:
        return None
    return {
        "rule_files": [relative(path, folder_of(TEST_FILE)) for path in (RECORDING_RULES, ALERT_RULES)],
        "evaluation_interval": spec.settings.evaluation_interval,
        "tests": tests,
    }
