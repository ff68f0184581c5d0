"""Prometheus rule files: recording rules and alerting rules, grouped as the spec groups them."""

from __future__ import annotations

from typing import Any

from stackgen.model import Alert, Spec


def render_recording_rules(spec: Spec) -> dict:
    rules = []
    for rule in spec.recording_rules:
        item: dict[str, Any] = {"record": rule.record, "expr": rule.expr}
        if rule.labels:
            item["labels"] = dict(sorted(rule.labels.items()))
        rules.append(item)
    return {"groups": [{"name": f"{spec.name}-recording", "rules": rules}] if rules else []}


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
    annotations = {"summary": alert.summary}
    if alert.description:
        annotations["description"] = alert.description
    link = spec.runbook_link(alert)
    if link:
        annotations["runbook_url"] = link
    annotations.update(sorted(alert.annotations.items()))
    rule["annotations"] = annotations
    return rule


def render_alert_rules(spec: Spec) -> dict:
    groups = []
    for group in spec.alert_groups:
        item: dict[str, Any] = {"name": group.name}
        if group.interval:
            item["interval"] = group.interval
        item["rules"] = [render_alert(spec, a) for a in group.alerts]
        groups.append(item)
    return {"groups": groups}
