"""Prometheus rule files: recording rules and alerting rules, grouped as the spec groups them."""

from __future__ import annotations

from typing import Any

from stackgen.model import Alert, RecordingRule, Spec


def _group(name: str, interval: str | None, limit: int | None, rules: list[dict]) -> dict:
    group: dict[str, Any] = {"name": name}
    if interval:
        group["interval"] = interval
    if limit:
        group["limit"] = limit
    group["rules"] = rules
    return group


def _recording_rule(rule: RecordingRule) -> dict:
    item: dict[str, Any] = {"record": rule.record, "expr": rule.expr}
    if rule.labels:
        item["labels"] = dict(sorted(rule.labels.items()))
    return item


def render_recording_rules(spec: Spec) -> dict:
    """The spec's own group (<system>-recording) when it has ungrouped rules, then each named group."""
    own = [_recording_rule(r) for r in spec.recording_rules if r.group is None]
    groups = [_group(f"{spec.name}-recording", None, None, own)] if own else []
    for group in spec.recording_groups:
        rules = [_recording_rule(r) for r in spec.recording_rules if r.group == group.name]
        groups.append(_group(group.name, group.interval, group.limit, rules))
    return {"groups": groups}


def alert_labels(alert: Alert) -> dict:
    labels = {"severity": alert.severity}
    if alert.service:
        labels["service"] = alert.service
    labels.update(sorted(alert.labels.items()))
    return labels


def render_alert(spec: Spec, alert: Alert) -> dict:
    rule: dict[str, Any] = {"alert": alert.name, "expr": alert.expr}
    if alert.for_:
        rule["for"] = alert.for_
    if alert.keep_firing_for:
        rule["keep_firing_for"] = alert.keep_firing_for
    rule["labels"] = alert_labels(alert)
    annotations = {"summary": alert.summary} if alert.summary else {}
    if alert.description:
        annotations["description"] = alert.description
    link = spec.runbook_link(alert)
    if link:
        annotations["runbook_url"] = link
    annotations.update(sorted(alert.annotations.items()))
    rule["annotations"] = annotations
    return rule


def render_alert_rules(spec: Spec) -> dict:
    return {"groups": [_group(g.name, g.interval, g.limit, [render_alert(spec, a) for a in g.alerts])
                       for g in spec.alert_groups]}
