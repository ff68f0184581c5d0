"""Proving the spec's inhibit rules live: while a source alert fires, a target alert it silences fires in
Prometheus, is suppressed in Alertmanager, and is delivered to no one.

For each rule, pairs of provable alerts whose labels may match its source and target are fired together
until one shows the target suppressed; a rule with no such pair (or whose pairs fire on labels that the
rule's `equal` keeps apart) is reported as not proven live, with why, and does not fail the run: its
alerts are proven on their own.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from stackgen.model import InhibitRule, Spec
from stackgen.service.alert_faults import STOP_TARGET
from stackgen.verify.http import poll
from stackgen.verify.plan import AlertPlan, may_match, static_labels, unprovable
from stackgen.verify.prove import LiveStack, ProofFailed, Switch, switch_off, waited
from stackgen.verify.report import FAILED, PROVEN, SKIPPED, AlertResult, InhibitResult

MAX_PAIRS = 3  # pairs of alerts tried per rule, each taking some seconds
DELIVERY_WINDOW = 3.0  # seconds after the source's delivery in which a leaked target would have arrived too


def describe(rule: InhibitRule) -> str:
    return f"{', '.join(rule.source_matchers)} silences {', '.join(rule.target_matchers)}"


def pairs(spec: Spec, rule: InhibitRule, plans: list[AlertPlan]) -> list[tuple[AlertPlan, AlertPlan]]:
    """Source and target alerts the rule may link, both provable, the source not stopping the target."""
    out = []
    usable = [p for p in plans if p.skip is None and not unprovable(p)]
    for source in usable:
        if not any(may_match(rule.source_matchers, static_labels(r)) for r in source.rules):
            continue
        for target in usable:
            if target.name == source.name or target.fault.kind == STOP_TARGET:
                continue
            stops_it = source.fault.kind == STOP_TARGET and source.fault.job in target.services(spec)
            if not stops_it and any(may_match(rule.target_matchers, static_labels(r)) for r in target.rules):
                out.append((source, target))
    return out


def twin_result(rule: InhibitRule, plans: list[AlertPlan], results: dict[str, AlertResult]) -> InhibitResult:
    """A rule between alerts of one name (`equal` holds alertname): each alert's own proof saw it at work."""
    for plan in plans:
        sources = [r for r in plan.rules if may_match(rule.source_matchers, static_labels(r))]
        if sources and any(may_match(rule.target_matchers, static_labels(r)) for r in plan.rules if r not in sources):
            result = results.get(plan.name)
            if result and result.status == PROVEN and result.inhibited:
                return InhibitResult(describe(rule), plan.name, plan.name, PROVEN,
                                     f"{plan.name} {', '.join(result.inhibited)} suppressed and not delivered "
                                     f"while its {', '.join(r.severity for r in sources)} twin fired")
    return InhibitResult(describe(rule), "-", "-", SKIPPED, "no proven alert showed a twin it silences")


def prove_inhibition(stack: LiveStack, spec: Spec, rule: InhibitRule, plans: list[AlertPlan],
                     results: dict[str, AlertResult], progress: Callable[[str], None]) -> InhibitResult:
    if "alertname" in rule.equal:
        return twin_result(rule, plans, results)
    candidates = pairs(spec, rule, plans)[:MAX_PAIRS]
    if not candidates:
        return InhibitResult(describe(rule), "-", "-", SKIPPED, "no two provable alerts the rule links (a source "
                             "that stops a service leaves that service's alerts nothing to fire on)")
    for source, target in candidates:  # the faults of a pair may hit labels that `equal` keeps apart: try the next
        result = _prove_pair(stack, rule, source, target, progress)
        if result.status != SKIPPED:
            return result
    return result


def _prove_pair(stack: LiveStack, rule: InhibitRule, source: AlertPlan, target: AlertPlan,
                progress: Callable[[str], None]) -> InhibitResult:
    since = time.time()
    switches: list[Switch] = []
    try:
        switches = [Switch(stack, source), Switch(stack, target)]
        for switch in switches:
            switch.set(True)
        progress(f"inhibition: {source.name} with {target.name}")
        limit = max(stack.longest_for(source.name), stack.longest_for(target.name)) + stack.slack * 2
        waited(f"{source.name} delivered", lambda: stack.delivered(source.name, "firing", since), limit)
        waited(f"{target.name} firing in Prometheus", lambda: stack.prom_alerts(target.name, "firing"), limit)
        states = waited(f"{target.name} in Alertmanager", lambda: stack.am_alerts(target.name), stack.slack)
        suppressed = [a["labels"] for a in states if a["status"]["state"] == "suppressed"]
        if not suppressed:
            labels = [{k: a["labels"].get(k) for k in rule.equal} for a in states]
            return InhibitResult(describe(rule), source.name, target.name, SKIPPED,
                                 f"{target.name} was not inhibited: its faults fire on other {', '.join(rule.equal)} "
                                 f"({labels})")
        time.sleep(DELIVERY_WINDOW)
        leaked = [r for r, labels in stack.delivered(target.name, "firing", since) if labels in suppressed]
        if leaked:
            return InhibitResult(describe(rule), source.name, target.name, FAILED,
                                 f"{target.name} was inhibited but delivered to {', '.join(sorted(set(leaked)))}")
        return InhibitResult(describe(rule), source.name, target.name, PROVEN,
                             f"{target.name} suppressed and not delivered while {source.name} fired")
    except (ProofFailed, OSError, ValueError, KeyError) as exc:
        return InhibitResult(describe(rule), source.name, target.name, FAILED, str(exc))
    finally:
        for switch in switches:
            switch_off(switch)
        _waited_quietly(stack, (source.name, target.name))


def _waited_quietly(stack: LiveStack, names: tuple[str, ...]) -> None:
    """Let the alerts resolve before the next rule, so one proof cannot inhibit the next."""
    poll(lambda: not any(stack.prom_alerts(n) for n in names), stack.slack)
