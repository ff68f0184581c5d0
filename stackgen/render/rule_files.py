"""Which rule file holds which rules, and which rule files each promtool test file loads.

The spec's own recording rules and alerts go to recording.yml and alerts.yml; what its SLOs expand into goes
to slos.yml (a recording group, then the alert group), written only when the spec has SLOs. promtool
evaluates every rule of every file a test file loads, at every evaluation step of every case, so the spec's
own cases load the spec's files and the SLO cases slos.yml: the SLO rules, with windows up to 3d, no longer
run in every case. A test file also loads any other file holding a recording rule its alerts read (followed
into the rules that rule reads), so an alert of the spec's on an SLO's series is still tested end to end.

prometheus.yml, the Kubernetes PrometheusRules and `stackgen test` take their lists from here.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

from stackgen.frozen import Frozen
from stackgen.model import Alert, RecordingRule, Spec
from stackgen.process.slo import split_slos
from stackgen.process.slo_tests import SAMPLE_INTERVAL
from stackgen.render.rules import render_alert_rules, render_recording_rules
from stackgen.targets.layout import ALERT_RULES, ALERT_TESTS, RECORDING_RULES, SLO_RULES, SLO_TESTS

SLO_RECORDING_GROUP = "slos-recording"  # beside the alert group `slos` in slos.yml
_IDENTIFIER = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")  # a PromQL metric name, and anything spelled like one


class CaseFile(Frozen):
    """One promtool test file: the alerts whose cases it holds, the rule files it loads (layout paths, in
    the order Prometheus loads them) and how often promtool evaluates them."""

    path: str
    alerts: tuple[Alert, ...]
    rule_files: tuple[str, ...]
    evaluation_interval: str


def render_rule_files(spec: Spec) -> dict[str, dict]:
    """Every rule file by layout path, in the order Prometheus loads them: slos.yml only with SLOs."""
    own, slos = split_slos(spec)
    files = {RECORDING_RULES: render_recording_rules(own), ALERT_RULES: render_alert_rules(own)}
    if slos is not None:
        recording = [{**group, "name": SLO_RECORDING_GROUP} for group in render_recording_rules(slos)["groups"]]
        files[SLO_RULES] = {"groups": [*recording, *render_alert_rules(slos)["groups"]]}
    return files


def _paths(slos: Spec | None) -> tuple[str, ...]:
    return (RECORDING_RULES, ALERT_RULES) if slos is None else (RECORDING_RULES, ALERT_RULES, SLO_RULES)


def rule_file_paths(spec: Spec) -> tuple[str, ...]:
    """The rule files Prometheus loads, as layout paths, in the order render_rule_files gives them."""
    return _paths(split_slos(spec)[1])


def rule_file_stem(path: str) -> str:
    """`prometheus/slos.yml` -> `slos`: what names the file's PrometheusRule on Kubernetes."""
    return posixpath.splitext(posixpath.basename(path))[0]


def _files_read(exprs: Iterable[str], holders: Mapping[str, list[tuple[str, RecordingRule]]]) -> set[str]:
    """The rule files holding a recording rule the expressions read, following each rule into what it reads.

    Every identifier counts as a metric name it might select (a label or a function named like a rule too):
    a file loaded once too often costs promtool a little, one missing fails the case, and this stays a scan
    of the text, not a parse of every expression.
    """
    files: set[str] = set()
    seen: set[str] = set()
    todo = list(exprs)
    while todo:
        for name in set(_IDENTIFIER.findall(todo.pop())) - seen:
            seen.add(name)
            for path, rule in holders.get(name, ()):
                files.add(path)
                todo.append(rule.expr)
    return files


def case_files(spec: Spec) -> tuple[CaseFile, ...]:
    """The promtool test files with at least one case: the spec's own alerts' (at the spec's evaluation
    interval, which their `for` durations are written against) and the SLO alerts'.

    SLO alerts have no `for`: whether one fires at a time depends on the rules' values at that time only, not
    on how often they ran before, so their cases are evaluated at the spacing of their input samples
    (SAMPLE_INTERVAL) rather than the spec's interval; at 10s that is a sixth of promtool's work, same verdicts.
    """
    own, slos = split_slos(spec)
    holders: dict[str, list[tuple[str, RecordingRule]]] = {}
    parts = [(own, ALERT_TESTS, RECORDING_RULES, ALERT_RULES, spec.settings.evaluation_interval)]
    if slos is not None:
        parts.append((slos, SLO_TESTS, SLO_RULES, SLO_RULES, SAMPLE_INTERVAL))
    for part, _, recording, _, _ in parts:
        for rule in part.recording_rules:
            holders.setdefault(rule.record, []).append((recording, rule))
    order = _paths(slos)
    found = []
    for part, path, recording, alerting, interval in parts:
        alerts = tuple(a for a in part.alerts if a.tests)
        if alerts:
            loads = _files_read((a.expr for a in alerts), holders) | {recording, alerting}
            found.append(CaseFile(path, alerts, tuple(f for f in order if f in loads), interval))
    return tuple(found)
