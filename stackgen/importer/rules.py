"""`stackgen import rules`: rule files in, a checked spec out that renders the same rules back.

The spec is checked as `stackgen validate` checks it before anything is written. A rule the checks refuse
(an alert name the spec cannot carry, a template it cannot parse) is left out, reported at its own file
and line, and the rest is checked again: one bad rule never sinks the import of a whole rule set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackgen.errors import SpecError
from stackgen.importer.groups import GroupMapper, Mapped
from stackgen.importer.metrics import infer_metrics
from stackgen.importer.report import Report
from stackgen.importer.rule_files import RawGroup, read_rule_files
from stackgen.spec.loader import check_typed
from stackgen.spec.yamlsource import Source

API_VERSION = "stackgen/v1"


@dataclass(frozen=True)
class Base:
    """The spec an import merges into (empty for a new spec): its data and the names it already uses."""

    data: dict[str, Any]
    known_metrics: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Imported:
    data: dict[str, Any]  # the whole spec, checked
    report: Report


def _assemble(groups: list[RawGroup], base: Base, left_out: set[str], report: Report) -> tuple[dict, Mapped]:
    data = base.data
    old_recording, old_alert = data.get("recording_groups") or [], data.get("alert_groups") or []
    mapper = GroupMapper(report, [g.get("name") for g in old_recording], [g.get("name") for g in old_alert],
                         len(old_recording), len(old_alert))
    for group in groups:
        mapper.add(group, left_out)
    mapped = mapper.mapped
    records = {r["record"] for g in old_recording + mapped.recording_groups for r in g["rules"]}
    usages = [rule.usage for _, rule in mapped.placements]
    metrics = infer_metrics(usages, base.known_metrics | records)
    spec = {"apiVersion": API_VERSION, **{k: v for k, v in data.items() if k != "apiVersion"}}
    for key, new in (("metrics", metrics), ("recording_groups", mapped.recording_groups),
                     ("alert_groups", mapped.alert_groups)):
        if new:
            spec[key] = [*(data.get(key) or []), *new]
    return spec, mapped


def _checkable(spec: dict[str, Any], mapped: Mapped, out_name: str) -> Source:
    """The spec as the checks read it, each imported rule's paths on a line of its own: an issue's line says
    which rule it is about, without writing and reading back the text."""
    lines: dict[tuple, int] = {(): 0}
    lines.update({path: i + 1 for i, (path, _) in enumerate(mapped.placements)})
    return Source(out_name, spec, lines)


def _count(report: Report, mapped: Mapped, metrics: int, files: int) -> None:
    alerts = sum(len(g["alerts"]) for g in mapped.alert_groups)
    records = sum(len(g["rules"]) for g in mapped.recording_groups)
    report.imported = [f"{files} file(s)", f"{len(mapped.alert_groups)} alert group(s) with {alerts} alert(s)",
                       f"{len(mapped.recording_groups)} recording group(s) with {records} recording rule(s)",
                       f"{metrics} metric(s) declared with inferred types (confirm them)"]


def import_rules(paths: Sequence[Path], base: Base | None = None, out_name: str = "imported.yaml") -> Imported:
    """The spec of `paths` (merged into `base`), checked; SpecError for input Prometheus would refuse."""
    groups = read_rule_files(paths)
    base = base or Base({})
    refused: dict[str, str] = {}  # where -> why the spec's checks refused the rule
    while True:
        report = Report()
        spec, mapped = _assemble(groups, base, set(refused), report)
        try:
            check_typed(_checkable(spec, mapped, out_name))
            break
        except SpecError as exc:
            found = [(issue, mapped.placements[issue.line - 1][1].where if issue.line else None)
                     for issue in exc.issues]
            unplaced = [issue for issue, where in found if where is None]
            if unplaced:  # about the base spec, or nothing a rule can be left out for
                raise SpecError(unplaced) from None
            for issue, where in found:
                refused.setdefault(str(where), f"{issue.path.rpartition('.')[2]}: {issue.message}"
                                               + (f" ({issue.hint})" if issue.hint else ""))
    rules = {r.where: r for g in groups for r in g.rules}
    for where, why in refused.items():
        kind = "alert" if "alert" in rules[where].data else "recording rule"
        report.leave_out(where, f"{kind} {rules[where].name}: the spec's checks refuse it: {why}")
    _count(report, mapped, len(spec.get("metrics") or []) - len(base.data.get("metrics") or []), len(paths))
    return Imported(spec, report)
