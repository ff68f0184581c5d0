"""Rule groups as the spec writes them: alerts to `alert_groups`, recording rules to `recording_groups`.

Only shape changes here, and each is reported: labels the spec sets from fields (severity) move to them,
annotations it has fields for (summary, description, runbook_url) too, a group that mixes alerts and
recording rules becomes two groups of one name (the spec writes them to separate files), and a name taken
by a group of another file gets a suffix. What the format cannot carry is left out, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from stackgen.importer.report import Report
from stackgen.importer.rule_files import RawGroup, RawRule
from stackgen.model import SEVERITIES

ANNOTATION_FIELDS = ("summary", "description", "runbook_url")
GROUP_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.:/-]+")
Placement = tuple[tuple[str | int, ...], RawRule]  # where an imported rule sits in the spec, and where it came from


@dataclass
class Mapped:
    """The spec's rule sections, and for each rule placed in them, the rule it came from."""

    recording_groups: list[dict[str, Any]] = field(default_factory=list)
    alert_groups: list[dict[str, Any]] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    groups: list[tuple[tuple[str | int, ...], RawGroup]] = field(default_factory=list)  # where each group sits


def _text_map(values: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (values or {}).items()}


def map_alert(rule: RawRule, group_labels: dict[str, str], report: Report) -> dict[str, Any] | None:
    """The spec's alert item for a rule-file alert, or None (reported) when the format cannot carry it."""
    data = rule.data
    labels = {**group_labels, **_text_map(data.get("labels"))}
    severity = labels.pop("severity", None)
    if severity not in SEVERITIES:
        report.leave_out(rule.where, f"alert {rule.name}: severity {severity!r} is not one of "
                                     f"{', '.join(SEVERITIES)} (the spec's severity field; routing reads it)")
        return None
    if "service" in labels:
        report.leave_out(rule.where, f"alert {rule.name}: label 'service' is set by the spec from a declared "
                                     "service (declare the service, then add the alert with 'service:')")
        return None
    item: dict[str, Any] = {"name": rule.name, "expr": str(data["expr"])}
    for key in ("for", "keep_firing_for"):
        if data.get(key):
            item[key] = str(data[key])
    item["severity"] = severity
    annotations = _text_map(data.get("annotations"))
    item.update({key: annotations.pop(key) for key in ANNOTATION_FIELDS if annotations.get(key)})
    if labels:
        item["labels"] = labels
    if annotations:
        item["annotations"] = annotations
    return item


def map_record(rule: RawRule, group_labels: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"record": rule.name, "expr": str(rule.data["expr"])}
    labels = {**group_labels, **_text_map(rule.data.get("labels"))}
    if labels:
        item["labels"] = labels
    return item


def _options(group: RawGroup, report: Report) -> dict[str, Any]:
    """interval and limit, as the spec's group keys; the rest Prometheus-only or Thanos-only, reported."""
    kept = {k: group.options[k] for k in ("interval", "limit") if group.options.get(k)}
    for key in sorted(set(group.options) - {"interval", "limit", "labels"}):
        report.leave_out(group.where, f"group {group.name}: '{key}' (the spec has no such group setting)")
    return kept


def _unique_name(name: str, taken: set[str]) -> str:
    unique, n = name, 2
    while unique in taken:
        unique, n = f"{name}-{n}", n + 1
    taken.add(unique)
    return unique


class GroupMapper:
    """Maps raw groups into spec sections, keeping names unique against `taken_*` (an existing spec's)."""

    def __init__(self, report: Report, taken_recording: Collection[str] = (), taken_alert: Collection[str] = (),
                 first_recording: int = 0, first_alert: int = 0) -> None:
        self.report = report
        self.taken = {"recording_groups": set(taken_recording), "alert_groups": set(taken_alert)}
        self.first = {"recording_groups": first_recording, "alert_groups": first_alert}
        self.mapped = Mapped()

    def add(self, group: RawGroup, left_out: Collection[str]) -> None:
        """One raw group; rules whose `where` is in `left_out` are skipped (reported already)."""
        labels = _text_map(group.options.get("labels"))
        if labels:
            self.report.change(group.where, f"group {group.name}: its labels are set on each of its rules "
                                            "(the spec has no group labels)")
        options = _options(group, self.report)
        rules = [r for r in group.rules if r.where not in left_out]
        records = [(r, map_record(r, labels)) for r in rules if "record" in r.data]
        alerts = [(r, item) for r in rules if "alert" in r.data if (item := map_alert(r, labels, self.report))]
        if records and alerts:
            self.report.change(group.where, f"group {group.name}: holds recording rules and alerts; written as a "
                                            "recording group and an alert group of that name, evaluated side by side")
        if not rules:
            self.report.leave_out(group.where, f"group {group.name}: no rules")
        self._place("recording_groups", "rules", group, options, records)
        self._place("alert_groups", "alerts", group, options, alerts)

    def _place(self, section: str, key: str, group: RawGroup, options: dict[str, Any],
               items: list[tuple[RawRule, dict[str, Any]]]) -> None:
        if not items:
            return
        clean = GROUP_NAME_CHARS.sub("-", group.name).strip("-") or "rules"
        name = _unique_name(clean, self.taken[section])
        if name != group.name:
            self.report.change(group.where, f"group {group.name}: named '{name}' in {section} "
                                            "(a group of that name came first, or the name had other characters)")
        groups = getattr(self.mapped, section)
        index = self.first[section] + len(groups)
        groups.append({"name": name, **options, key: [item for _, item in items]})
        self.mapped.placements += [((section, index, key, i), rule) for i, (rule, _) in enumerate(items)]
        self.mapped.groups.append(((section, index), group))
