"""SLO checks on the typed spec: the SLO processor's own checks, located at the line they are about.

The processor (process/slo.py) knows what makes an SLO expandable; this module runs those checks on the spec
as written, adds what only the spec knows (one SLI form, declared metrics in the SLI queries, names that do
not collide with the spec's alerts), and reports each at `slos[<service>-<name>].<key>` with its line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stackgen.process.slo import slo_problems
from stackgen.process.slo_model import WINDOW_PLACEHOLDER
from stackgen.process.slo_rules import ALERT_GROUP
from stackgen.process.slo_tests import SLITestError, alert_tests

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker, SpecPath
    from stackgen.spec.v1.slos import SLO

# Where a processor key sits in the spec when the two shapes differ (the latency form is nested).
_SPEC_KEYS = {
    "sli.metric": ("sli", "latency", "metric"), "sli.le": ("sli", "latency", "le"),
    "sli.selector": ("sli", "latency", "selector"), "alerting.page_severity": ("alerting", "page", "severity"),
    "alerting.ticket_severity": ("alerting", "ticket", "severity"), "alerting.ticket_name": ("alerting", "ticket"),
}


def _one_form(c: Checker, path: SpecPath, slo: SLO) -> bool:
    """Whether the SLI is exactly one complete form; reports why not."""
    sli = slo.sli
    ratio = [key for key in ("errors", "total") if getattr(sli, key) is not None]
    if sli.latency is not None and ratio:
        c.add(path + ("sli",), "the SLI has both the ratio form (errors, total) and the latency form",
              "keep one: errors and total, or latency")
        return False
    if sli.latency is None and len(ratio) < 2:
        missing = "total" if ratio == ["errors"] else "errors"
        c.add(path + ("sli",), f"the SLI has no '{missing}' query" if ratio else "the SLI has no form",
              "write errors and total queries with [{{ window }}], or a latency form with metric and le")
        return False
    return True


def _queries(c: Checker, path: SpecPath, slo: SLO) -> None:
    """Metrics in the SLI are declared: the queries are checked like any rule, with the window filled in."""
    sli = slo.sli
    if sli.latency is not None:
        latency = sli.latency
        c.reference(path + ("sli", "latency", "metric"), latency.metric, [m.name for m in c.spec.metrics],
                    "metric", "'metrics:'")
        return
    for key in ("errors", "total"):
        query = getattr(sli, key)
        if WINDOW_PLACEHOLDER.search(query):  # without it, the processor's check says what to write
            c.expression(path + ("sli", key), WINDOW_PLACEHOLDER.sub("5m", query))


def _check_one(c: Checker, path: SpecPath, slo: SLO, taken: set[str]) -> None:
    from stackgen.spec.build import build_slo

    before = len(c.issues)
    if not _one_form(c, path, slo):
        return
    _queries(c, path, slo)
    model = build_slo(slo)
    for key, message, hint in slo_problems(model, list(c.service_names), {m.name: m for m in c.spec.metrics}):
        if key == "service":  # the spec's own reference check: the same did-you-mean as everywhere
            c.reference(path + ("service",), slo.service, c.service_names, "service", "'services:'")
            continue
        c.add(path + _SPEC_KEYS.get(key, tuple(key.split("."))), message, hint)
    if not slo.alerting.enabled:
        return
    if slo.alerting.tests and len(c.issues) == before:  # the cases are derived from a valid SLI only
        try:
            alert_tests(model)
        except SLITestError as exc:
            c.add(path + ("sli",), f"cannot derive alert tests: {exc}",
                  "give errors and total one series selector each, or set alerting.tests: false")
    for level, name in (("page", model.page_name), ("ticket", model.ticket_name)):
        if name in taken:
            c.add(path + ("alerting", level), f"the {level} alert's name '{name}' is taken by an alert of the spec",
                  f"set alerting.{level}.name to another name")


def check_slos(c: Checker) -> None:
    slos = c.spec.slos
    c.unique(((("slos", i, "name"), f"{s.service}-{s.name}") for i, s in enumerate(slos)), "SLO")
    groups = c.spec.alert_groups
    if slos and any(g.name == ALERT_GROUP for g in groups):
        group = next(i for i, g in enumerate(groups) if g.name == ALERT_GROUP)
        c.add(("alert_groups", group, "name"), f"the alert group name '{ALERT_GROUP}' is kept for SLO alerts",
              "rename the group")
    taken = {a.name for g in groups for a in g.alerts}
    for i, slo in enumerate(slos):
        _check_one(c, ("slos", i), slo, taken)
