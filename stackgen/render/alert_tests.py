"""prometheus/tests/*.test.yml: the spec's alert test cases as `promtool test rules` files.

`rule_files` decides which file holds which alerts' cases and which rule files it loads. One promtool
test group per case, named `ALERT (severity): case`, so promtool's report names the case. A case that
fires expects exactly this alert under its name at `at`; one that does not fire expects no alert of that
name, so twins that share a name (a warning and a critical) must stay quiet in each other's cases.
Expected labels are derived in `alert_expect`, annotations executed in `alert_template`; a case with
`exact_labels` gives its whole label set itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from stackgen.model import Alert, AlertTest, RecordingRule, Spec
from stackgen.render.alert_expect import index_rules, parse_series, result_labels
from stackgen.render.alert_template import NotStatic, UnrenderableAnnotation, expand_template
from stackgen.render.rule_files import CaseFile, case_files
from stackgen.render.rules import render_alert
from stackgen.targets.layout import ALERT_TESTS, folder_of, relative

TEST_FILE = ALERT_TESTS
_EXTERNAL_LABELS = ("$externalLabels", ".ExternalLabels")


def case_name(alert: Alert, case: AlertTest) -> str:
    return f"{alert.name} ({alert.severity}): {case.name}"


def _external_labels(spec: Spec, templates: Mapping[str, str]) -> dict[str, str]:
    """The spec's external labels, when the alert's templates read them (promtool then needs them too)."""
    uses = any(ref in text for text in templates.values() for ref in _EXTERNAL_LABELS)
    return dict(spec.settings.external_labels) if uses else {}


def expected_alert(spec: Spec, alert: Alert, case: AlertTest,
                   rules: Mapping[str, tuple[RecordingRule, ...]] | None = None, rendered: dict | None = None) -> dict:
    """exp_labels and exp_annotations for a firing case; UnrenderableAnnotation when one cannot be derived."""
    rendered = rendered or render_alert(spec, alert)
    own = rendered["labels"]
    sample = result_labels(alert.expr, [parse_series(s) for s, _ in case.series],
                           index_rules(spec.recording_rules) if rules is None else rules)
    sample.update({k: v for k, v in case.labels.items() if k not in own})
    external = _external_labels(spec, {**rendered["annotations"], **own})

    def expand(name: str, text: str) -> str:
        try:
            return expand_template(text, sample, case.value, external)
        except NotStatic as exc:
            raise UnrenderableAnnotation(f"{alert.name} ({alert.severity})", case.name, name, str(exc)) from None

    if case.exact_labels:
        labels = dict(case.labels)
    else:
        derived = {k: v for k, v in sample.items() if k != "__name__"}
        labels = {**derived, **{k: expand(f"labels.{k}", v) for k, v in own.items()}, **case.labels}
    annotations = {k: expand(k, v) for k, v in rendered["annotations"].items() if k not in case.annotations}
    annotations.update(case.annotations)
    return {"exp_labels": dict(sorted(labels.items())), "exp_annotations": annotations}


def unrenderable_cases(spec: Spec) -> list[tuple[Alert, AlertTest, UnrenderableAnnotation]]:
    """Every firing case whose expected labels or annotations cannot be derived, for the spec checks to locate."""
    rules = index_rules(spec.recording_rules)
    found = []
    for alert in spec.alerts:
        for case in alert.tests:
            try:
                if case.fires:
                    expected_alert(spec, alert, case, rules)
            except UnrenderableAnnotation as exc:
                found.append((alert, case, exc))
    return found


def _test_group(spec: Spec, alert: Alert, case: AlertTest, rules: Mapping[str, tuple[RecordingRule, ...]]) -> dict:
    group: dict = {"name": case_name(alert, case), "interval": case.interval}
    rendered = render_alert(spec, alert)
    external = _external_labels(spec, {**rendered["annotations"], **rendered["labels"]})
    if external:
        group["external_labels"] = external
    group["input_series"] = [{"series": selector, "values": values} for selector, values in case.series]
    group["alert_rule_test"] = [{
        "eval_time": case.at,
        "alertname": alert.name,
        "exp_alerts": [expected_alert(spec, alert, case, rules, rendered)] if case.fires else [],
    }]
    return group


def render_alert_tests(spec: Spec, file: CaseFile | None = None) -> dict | None:
    """One promtool test file (by default the spec's own cases: TEST_FILE), or None when it would hold no case.
    Expected labels follow any recording rule of the spec, in whichever rule file it is."""
    file = file or next((f for f in case_files(spec) if f.path == TEST_FILE), None)
    if file is None:
        return None
    rules = index_rules(spec.recording_rules)
    tests = [_test_group(spec, alert, case, rules) for alert in file.alerts for case in alert.tests]
    if not tests:
        return None
    return {
        "rule_files": [relative(path, folder_of(file.path)) for path in file.rule_files],
        "evaluation_interval": file.evaluation_interval,
        "tests": tests,
    }


def render_test_files(spec: Spec) -> dict[str, dict]:
    """Every promtool test file of the spec by layout path: the spec's own cases and its SLOs' apart."""
    return {file.path: data for file in case_files(spec) if (data := render_alert_tests(spec, file)) is not None}
