"""Which alerts `stackgen verify` proves, how, and which may run at the same time.

Each alert name gets one plan: the fault the service derives for it (`alert_faults`), or the spec's
`verify: {skip: reason}`. Two alerts interfere when they drive the same metric, when one stops a scrape
target the other needs, or when an inhibit rule could let one silence the other; `waves` groups the
plans so that no two in a group interfere, and the groups run one after another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stackgen.model import Alert, InhibitRule, Spec
from stackgen.service.alert_faults import STOP_TARGET, UNSUPPORTED, AlertFault, alert_faults

_MATCHER = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$')


@dataclass(frozen=True)
class AlertPlan:
    name: str
    rules: tuple[Alert, ...]  # every alert rule of that name (one per severity)
    fault: AlertFault
    skip: str | None = None  # the spec's reason it cannot be proven live

    @property
    def metrics(self) -> frozenset[str]:
        return frozenset(d.metric for d in self.fault.drives)

    def services(self, spec: Spec) -> frozenset[str]:
        """The services whose metrics or scrape target the proof touches (no service named: all of them)."""
        if self.fault.kind == STOP_TARGET:
            return frozenset({self.fault.job or ""})
        return frozenset(self.fault.services or (s.name for s in spec.services))


def plan_alerts(spec: Spec) -> list[AlertPlan]:
    """One plan per alert name, in spec order."""
    faults = alert_faults(spec)
    plans = []
    for name in dict.fromkeys(a.name for a in spec.alerts):
        rules = tuple(a for a in spec.alerts if a.name == name)
        skip = next((a.verify_skip for a in rules if a.verify_skip), None)
        plans.append(AlertPlan(name, rules, faults[name], skip))
    return plans


def unprovable(plan: AlertPlan) -> str | None:
    """Why an alert that is not marked `verify: {skip: ...}` cannot be proven, or None when it can."""
    if plan.skip is None and plan.fault.kind == UNSUPPORTED:
        return f"{plan.fault.reason}; add a firing unit test, or mark it `verify: {{skip: <reason>}}` in the spec"
    return None


def static_labels(alert: Alert) -> dict[str, str]:
    """The labels an alert rule always carries (the expression may add more)."""
    return {**alert.labels, "alertname": alert.name, "severity": alert.severity,
            **({"service": alert.service} if alert.service else {})}


def may_match(matchers: tuple[str, ...], labels: dict[str, str]) -> bool:
    """Whether an alert with these static labels may match every matcher (a label it lacks may come later)."""
    for matcher in matchers:
        m = _MATCHER.match(matcher)
        if not m or m.group(1) not in labels:
            continue
        name, op, value = m.groups()
        hit = re.fullmatch(value, labels[name]) is not None if op in ("=~", "!~") else labels[name] == value
        if hit != (op in ("=", "=~")):
            return False
    return True


def _inhibits(rule: InhibitRule, source: Alert, target: Alert) -> bool:
    if not (may_match(rule.source_matchers, static_labels(source)) and
            may_match(rule.target_matchers, static_labels(target))):
        return False
    a, b = static_labels(source), static_labels(target)
    return all(a[label] == b[label] for label in rule.equal if label in a and label in b)


def interfere(spec: Spec, a: AlertPlan, b: AlertPlan) -> bool:
    if a.metrics & b.metrics:
        return True
    if any(x.fault.kind == STOP_TARGET and x.fault.job in y.services(spec) for x, y in ((a, b), (b, a))):
        return True
    rules = spec.routing.inhibit_rules if spec.routing else ()
    return any(_inhibits(rule, x, y) for rule in rules
               for one, other in ((a, b), (b, a)) for x in one.rules for y in other.rules)


def waves(spec: Spec, plans: list[AlertPlan]) -> list[list[AlertPlan]]:
    """The plans in groups that may run together: each goes into the first group it does not interfere with."""
    out: list[list[AlertPlan]] = []
    for plan in plans:
        wave = next((w for w in out if not any(interfere(spec, plan, other) for other in w)), None)
        if wave is None:
            out.append([plan])
        else:
            wave.append(plan)
    return out
