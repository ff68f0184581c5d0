"""`stackgen import rules`: rule files in, a checked spec out that renders the same rules back.

The spec is checked as `stackgen validate` checks it before anything is written. A rule the checks refuse
(an alert name the spec cannot carry, a template it cannot parse) is left out, reported at its own file
and line, and the rest is checked again: one bad rule never sinks the import of a whole rule set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackgen.errors import SpecError, SpecIssue
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


@dataclass
class _Checkable(Source):
    """The spec as the checks read it, each imported rule's paths on a line of its own, then each group's: an
    issue's line says which rule or group it is about, without writing and reading back the text."""

    mapped: Mapped = field(default_factory=Mapped)

    def place(self, path: tuple) -> str:
        """A hint's other value (`first defined ...`) at its rule or group in the rule files: these lines are
        no file's; a value of the spec merged into is in that spec."""
        line, placed = self.line(path) or 0, len(self.mapped.placements)
        if 0 < line <= placed:
            return f"at {self.mapped.placements[line - 1][1].where}"
        return f"at {self.mapped.groups[line - placed - 1][1].where}" if line > placed else f"in {self.file}"


def _checkable(spec: dict[str, Any], mapped: Mapped, out_name: str) -> Source:
    lines: dict[tuple, int] = {(): 0}
    lines.update({path: i + 1 for i, (path, _) in enumerate(mapped.placements)})
    lines.update({path: len(mapped.placements) + i + 1 for i, (path, _) in enumerate(mapped.groups)})
    return _Checkable(out_name, spec, lines, mapped)


def _in_group(issue: SpecIssue, mapped: Mapped) -> SpecIssue:
    """An issue about a group's own setting (`interval: .inf`), at that setting in the rule file it came from."""
    group = mapped.groups[issue.line - len(mapped.placements) - 1][1]  # type: ignore[operator]
    key = issue.path.rpartition(".")[2]
    file, _, line = group.option_where.get(key, group.where).rpartition(":")
    return SpecIssue(file, int(line), f"groups[{group.name}].{key}", issue.message, issue.hint)


def _count(report: Report, mapped: Mapped, metrics: int, files: int) -> None:
    alerts = sum(len(g["alerts"]) for g in mapped.alert_groups)
    records = sum(len(g["rules"]) for g in mapped.recording_groups)
    report.imported = [f"{files} file(s)", f"{len(mapped.alert_groups)} alert group(s) with {alerts} alert(s)",
                       f"{len(mapped.recording_groups)} recording group(s) with {records} recording rule(s)",
                       f"{metrics} metric(s) declared with inferred types (confirm them)"]


def _leave_out_refused(report: Report, refused: dict[str, str], groups: list[RawGroup]) -> None:
    rules = {r.where: r for g in groups for r in g.rules}
    for where, why in refused.items():
        kind = "alert" if "alert" in rules[where].data else "recording rule"
        report.leave_out(where, f"{kind} {rules[where].name}: the spec's checks refuse it: {why}")


def _unplaced(exc: SpecError, mapped: Mapped, report: Report, paths: Sequence[Path]) -> SpecError | None:
    """The error to raise for issues no rule can be left out for: about a group's settings (at their line),
    about the base spec, or that nothing is left (with why each rule was left out); None: only rules."""
    in_groups = [_in_group(i, mapped) for i in exc.issues if i.line and i.line > len(mapped.placements)]
    if in_groups:  # Prometheus refuses the group as it is: no rule of it is left out instead
        return SpecError(in_groups)
    unplaced = [issue for issue in exc.issues if not issue.line]
    if unplaced and not mapped.placements and report.left_out:  # say why, not that the spec declares nothing
        return SpecError([SpecIssue(", ".join(str(p) for p in paths), None, "", "no rule the spec can carry: "
                                    + "; ".join(report.left_out), "nothing was written")])
    return SpecError(unplaced) if unplaced else None


def import_rules(paths: Sequence[Path], base: Base | None = None, out_name: str = "imported.yaml") -> Imported:
    """The spec of `paths` (merged into `base`), checked; SpecError for input Prometheus would refuse."""
    groups = read_rule_files(paths)
    base = base or Base({})
    refused: dict[str, str] = {}  # where -> why the spec's checks refused the rule
    while True:
        report = Report()
        spec, mapped = _assemble(groups, base, set(refused), report)
        _leave_out_refused(report, refused, groups)
        try:
            check_typed(_checkable(spec, mapped, out_name))
            break
        except SpecError as exc:
            error = _unplaced(exc, mapped, report, paths)
            if error is not None:
                raise error from None
            for issue in exc.issues:
                refused.setdefault(mapped.placements[issue.line - 1][1].where,  # type: ignore[operator]
                                   f"{issue.path.rpartition('.')[2]}: {issue.message}"
                                   + (f" ({issue.hint})" if issue.hint else ""))
    _count(report, mapped, len(spec.get("metrics") or []) - len(base.data.get("metrics") or []), len(paths))
    return Imported(spec, report)
