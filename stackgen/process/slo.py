"""SLO expansion: service level objectives become ordinary recording rules, alerts, alert tests and a dashboard.

A model processor (model -> model): everything downstream (rule files, promtool tests, routing, the guide,
--fast, live checks) sees plain rules and alerts and needs no SLO knowledge.

The semantics are the Google SRE workbook's (chapter 5, multiwindow multi-burn-rate alerts) as Sloth
generates them, with Sloth's series names and labels, so Sloth's dashboards and queries work on stackgen's
output. Where stackgen differs from Sloth, and why:

- No traffic gives no SLI sample, not NaN. Sloth records errors/total, which is 0/0 = NaN in an idle window;
  its period ratio averages the 5m samples, so one idle 5 minutes turns the 30d availability into NaN for
  30 days. stackgen divides by `total > 0`, so idle windows are skipped by the average. Alerts compare with
  `>`, which NaN and absence both fail, so alert verdicts are the same (tests/test_slo_sloth.py proves it).
- Traffic without any error series gives 0, not no data: client libraries create a labelled error series on
  the first error, so `sum(rate(x{code=~"5.."}[5m]))` is empty on a healthy service and Sloth's availability
  panels stay blank until something fails. stackgen's errors are `(errors) or (0 * (total))`.
- The period ratio is `avg_over_time` of the 5m rule: the same value as Sloth's
  `sum_over_time / count_over_time`, written once. Like Sloth's, it weighs every 5 minutes alike, not every
  event (cheap: one range over one recorded series, never a 30d range over the raw counters).
- Page and ticket alerts have different names (`<Service><Name>SLOPage`, `...SLOTicket`); Sloth lets both
  share one name told apart by `sloth_severity`. Distinct names keep each alert's test cases, runbook
  section and routing its own; `sloth_severity` (page, ticket) is still set.
- Severities are stackgen's (`critical` for page, `warning` for ticket by default), so the spec's routing
  and inhibition apply to SLO alerts as to any other.
- The latency form (`BucketSLI`) is built in: good events are the histogram bucket `le`, errors are
  `count - bucket`. Sloth needs the user to write that subtraction (or a plugin).
- 7d windows are supported (Sloth ships 28d and 30d). The factors come from one formula for any window P:
  factor = budget share / long window * P, that is factor_30d * P / 30d (28d: 13.44, 5.6, 2.8, 0.933;
  7d: 3.36, 1.4, 0.7, 0.233), exactly Sloth's for 28d. For 7d the slow ticket (10% of the budget in 3d)
  fires below a 1x burn: it is the same budget share, and a week's budget is small.
- No `sloth_version` label on `sloth_slo_info` (it would change every generated file on each release);
  `sloth_mode` is `stackgen`, `sloth_spec` `stackgen/v1`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Protocol

from stackgen import promql
from stackgen.errors import SpecError, SpecIssue
from stackgen.model import SEVERITIES, Alert, AlertGroup, Spec
from stackgen.process.slo_dashboard import slo_dashboard
from stackgen.process.slo_model import (
    ID_LABELS,
    PAGE_WINDOWS,
    SLO,
    SLO_PERIODS,
    TICKET_WINDOWS,
    WINDOW_PLACEHOLDER,
    BucketSLI,
    BurnWindow,
    RatioSLI,
    SLOAlerting,
    number,
)
from stackgen.process.slo_rules import (
    ALERT_GROUP,
    TICKET_TESTED,
    TICKET_UNTESTED,
    metadata_rules,
    sli_queries,
    sli_rules,
    slo_alerts,
)
from stackgen.process.slo_tests import SLITestError, alert_tests

__all__ = ["PAGE_WINDOWS", "SLO", "TICKET_WINDOWS", "BucketSLI", "BurnWindow", "RatioSLI", "SLOAlerting",
           "check_slos", "expand_slos", "expand_spec_slos", "slo_problems", "split_slos"]

_SLO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_LABEL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LE = re.compile(r"^(\+Inf|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?)$")


def _path(slo: SLO, key: str) -> str:
    return f"slos[{slo.id}].{key}"


class MetricShape(Protocol):
    """What the SLI checks read of a declared metric: the spec's typed metric and the model's both have it."""

    @property
    def type(self) -> str: ...

    @property
    def buckets(self) -> tuple[float, ...] | None: ...


def _check_sli(slo: SLO, metrics: Mapping[str, MetricShape]) -> list[tuple[str, str, str]]:
    """(path key, message, hint) for every problem of the SLI."""
    sli, found = slo.sli, []
    if isinstance(sli, RatioSLI):
        for key, query in (("errors", sli.errors), ("total", sli.total)):
            if not WINDOW_PLACEHOLDER.search(query):
                found.append((f"sli.{key}", "has no {{ window }} placeholder",
                              "write the range as [{{ window }}], e.g. rate(x[{{ window }}])"))
                continue
            try:
                promql.parse(WINDOW_PLACEHOLDER.sub("5m", query))
            except promql.PromQLSyntaxError as exc:
                found.append((f"sli.{key}", f"invalid PromQL: {exc}", "check the query in the Prometheus UI"))
        return found
    metric = metrics.get(sli.metric)
    if metric is not None and metric.type != "histogram":
        found.append(("sli.metric", f"'{sli.metric}' is a {metric.type}, not a histogram",
                      "a latency SLI reads the buckets of a histogram"))
    if not _LE.match(sli.le):
        found.append(("sli.le", f"'{sli.le}' is not a bucket bound", "write the le value as exposed, e.g. 0.5"))
    elif metric is not None and metric.buckets and sli.le != "+Inf" and float(sli.le) not in metric.buckets:
        found.append(("sli.le", f"{sli.le} is not a bucket of '{sli.metric}'",
                      "pick one of " + ", ".join(f"{b:g}" for b in metric.buckets)))
    # The queries as the rules write them: a selector can read as PromQL alone and still break where the
    # bucket query appends le to it (' ' or 'job="a",' make `{ , le=...}`).
    queries = sli_queries(slo, "5m") if _LE.match(sli.le) else (f"{sli.metric}_count{{{sli.selector}}}",)
    try:
        for query in queries:
            promql.parse(query)
    except promql.PromQLSyntaxError as exc:
        found.append(("sli.selector", f"invalid label matchers: {exc}", 'write matchers as job="api", route="/x"'))
    return found


def slo_problems(slo: SLO, services: Sequence[str], metrics: Mapping[str, MetricShape]) -> list[tuple[str, str, str]]:
    """(key under the SLO, message, hint) for every problem of one SLO; the spec checks locate them in the file."""
    found = []
    if slo.service not in services:
        close = difflib.get_close_matches(slo.service, services, n=1)
        found.append(("service", f"unknown service '{slo.service}'",
                      f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(services)))
    if not _SLO_NAME.match(slo.name):
        found.append(("name", f"'{slo.name}' is not a valid SLO name", "use letters, digits, '-', '_' and '.'"))
    if not 0 < slo.objective < 100:
        found.append(("objective", f"{number(slo.objective)} is not within (0, 100)",
                      "write a percentage, e.g. 99.9"))
    if slo.window not in SLO_PERIODS:
        close = difflib.get_close_matches(slo.window, SLO_PERIODS, n=1)
        found.append(("window", f"unknown SLO window '{slo.window}'",
                      f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(SLO_PERIODS)))
    for key, severity in (("page_severity", slo.alerting.page_severity),
                          ("ticket_severity", slo.alerting.ticket_severity)):
        if severity not in SEVERITIES:
            found.append((f"alerting.{key}", f"unknown severity '{severity}'", "one of: " + ", ".join(SEVERITIES)))
    for label in slo.labels:
        if not _LABEL_NAME.match(label) or label.startswith("sloth_"):
            found.append((f"labels.{label}", "not a label name stackgen may set",
                          "use [A-Za-z_][A-Za-z0-9_]*, not starting with sloth_"))
    if slo.page_name == slo.ticket_name:
        found.append(("alerting.ticket_name", f"the page and ticket alerts are both named '{slo.page_name}'",
                      "give the ticket alert a name of its own"))
    return found + _check_sli(slo, metrics)


def check_slos(spec: Spec, slos: tuple[SLO, ...]) -> list[SpecIssue]:
    """Every problem of the SLOs against the spec they extend, in SLO order."""
    services, metrics = [s.name for s in spec.services], {m.name: m for m in spec.metrics}
    issues = [SpecIssue(spec.file, None, _path(slo, key), message, hint)
              for slo in slos for key, message, hint in slo_problems(slo, services, metrics)]
    seen: set[str] = set()
    for slo in slos:
        if slo.id in seen:
            issues.append(SpecIssue(spec.file, None, _path(slo, "name"), f"SLO '{slo.id}' is defined twice",
                                    "give each SLO of a service its own name"))
        seen.add(slo.id)
    if slos and any(g.name == ALERT_GROUP for g in spec.alert_groups):
        issues.append(SpecIssue(spec.file, None, f"alert_groups[{ALERT_GROUP}]",
                                f"the alert group name '{ALERT_GROUP}' is kept for SLO alerts", "rename the group"))
    return issues


def _with_tests(spec: Spec, slo: SLO) -> tuple[Alert, Alert]:
    page, ticket = slo_alerts(slo)
    if not slo.alerting.tests:
        return page, replace(ticket, verify_skip=TICKET_UNTESTED)
    try:
        page_cases, ticket_cases = alert_tests(slo)
    except SLITestError as exc:
        raise SpecError([SpecIssue(spec.file, None, _path(slo, "sli"), f"cannot derive alert tests: {exc}",
                                   "give errors and total one series selector each, or set alerting.tests: false")]) from None
    return replace(page, tests=page_cases), replace(ticket, tests=ticket_cases, verify_skip=TICKET_TESTED)


def expand_slos(spec: Spec, slos: tuple[SLO, ...]) -> Spec:
    """The spec with every SLO's recording rules (after the spec's own), its page and ticket alerts with
    their test cases (in an alert group of their own), one SLO dashboard, and `slos` as its SLOs. Raises
    SpecError on bad SLOs."""
    if not slos:
        return spec
    issues = check_slos(spec, slos)
    if issues:
        raise SpecError(issues)
    rules = tuple(r for slo in slos for r in (*sli_rules(slo), *metadata_rules(slo)))
    alerts = tuple(a for slo in slos if slo.alerting.enabled for a in _with_tests(spec, slo))
    groups = spec.alert_groups
    if alerts:
        groups = (*groups, AlertGroup(ALERT_GROUP, "Service level objectives", alerts))
    # `slos` names what was expanded: the guide and the rule-file split read it.
    return replace(spec, recording_rules=spec.recording_rules + rules, alert_groups=groups,
                   dashboards=(*spec.dashboards, slo_dashboard(spec, slos)), slos=slos)


def expand_spec_slos(spec: Spec) -> Spec:
    """The processor: the spec's own SLOs expanded (they stay on the model, for the guide)."""
    return expand_slos(spec, spec.slos)


def split_slos(spec: Spec) -> tuple[Spec, Spec | None]:
    """The expanded spec as two views: its own recording rules and alert groups, and those its SLOs expanded
    into (None when there are none), so each can get rule files and a promtool test file of its own.

    An SLO's recording rules are the ones carrying all of its identifying labels (`sloth_id`, ...), its alerts
    the alert group kept for SLOs. Everything else on the model stays in both views.
    """
    if not spec.slos:
        return spec, None
    ids = {tuple(slo.id_labels[k] for k in ID_LABELS) for slo in spec.slos}
    generated = [tuple(rule.labels.get(k) for k in ID_LABELS) in ids for rule in spec.recording_rules]
    own_rules = tuple(r for r, slo in zip(spec.recording_rules, generated, strict=True) if not slo)
    slo_rules = tuple(r for r, slo in zip(spec.recording_rules, generated, strict=True) if slo)
    own_groups = tuple(g for g in spec.alert_groups if g.name != ALERT_GROUP)
    slo_groups = tuple(g for g in spec.alert_groups if g.name == ALERT_GROUP)
    if not slo_rules and not slo_groups:
        return spec, None
    return (replace(spec, recording_rules=own_rules, alert_groups=own_groups),
            replace(spec, recording_rules=slo_rules, alert_groups=slo_groups))
