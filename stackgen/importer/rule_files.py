"""Prometheus rule files read as data with lines, shaped as Prometheus requires, or located errors.

A rule file (or a Kubernetes PrometheusRule, whose `spec:` holds the same groups) is checked here as
Prometheus would refuse it: a group without a name, a rule that is neither an alert nor a recording rule,
an expression that does not parse, a key Prometheus does not know. Every problem names its file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackgen import promql
from stackgen.errors import SpecError, SpecIssue
from stackgen.importer.metrics import Usage, usage_of
from stackgen.spec.loader import read_source
from stackgen.spec.yamlsource import Source

GROUP_KEYS = frozenset({"name", "interval", "limit", "rules", "labels", "query_offset", "partial_response_strategy"})
RULE_KEYS = frozenset({"alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations"})
TEXT = (str, int, float)  # YAML reads `expr: 1` and label value `1` as numbers; Prometheus takes them as text


@dataclass(frozen=True)
class RawRule:
    """One rule as its file wrote it, with where it was written."""

    data: dict[str, Any]
    where: str  # file:line
    usage: Usage  # the series its expression reads

    @property
    def name(self) -> str:
        return str(self.data.get("alert") or self.data.get("record"))


@dataclass(frozen=True)
class RawGroup:
    name: str
    where: str
    rules: tuple[RawRule, ...]
    options: dict[str, Any] = field(default_factory=dict)  # interval, limit, labels and the keys left out
    option_where: dict[str, str] = field(default_factory=dict)  # each option's file:line


class _Reader:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.issues: list[SpecIssue] = []

    def add(self, path: tuple[str | int, ...], message: str, hint: str = "") -> None:
        self.issues.append(self.source.issue(path, message, hint))

    def where(self, path: tuple[str | int, ...]) -> str:
        return f"{self.source.file}:{self.source.line(path)}"

    def groups(self) -> list[RawGroup]:
        data, root = self.source.data, ("groups",)  # type: tuple[Any, tuple[str, ...]]
        if isinstance(data, dict) and data.get("kind") == "PrometheusRule" and isinstance(data.get("spec"), dict):
            data, root = data["spec"], ("spec", "groups")
        if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
            self.add((), "not a Prometheus rule file: no 'groups:' list", "a rule file starts with 'groups:'")
            return []
        return [g for i, raw in enumerate(data["groups"]) if (g := self.group(raw, root + (i,))) is not None]

    def group(self, raw: Any, path: tuple[str | int, ...]) -> RawGroup | None:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
            self.add(path, "a group needs a 'name:'", "name every group; Prometheus refuses one without")
            return None
        for key in sorted(set(raw) - GROUP_KEYS):
            self.add(path + (key,), f"unknown group key '{key}'", f"Prometheus reads {', '.join(sorted(GROUP_KEYS))}")
        rules = raw.get("rules") or []
        if not isinstance(rules, list):
            self.add(path + ("rules",), "'rules:' must be a list")
            return None
        read = [r for i, item in enumerate(rules) if (r := self.rule(item, path + ("rules", i))) is not None]
        options = {k: v for k, v in raw.items() if k not in ("name", "rules")}
        return RawGroup(raw["name"], self.where(path), tuple(read), options,
                        {key: self.where(path + (key,)) for key in options})

    def rule(self, raw: Any, path: tuple[str | int, ...]) -> RawRule | None:
        if not isinstance(raw, dict):
            self.add(path, "a rule must be a mapping with 'alert:' or 'record:' and 'expr:'")
            return None
        if ("alert" in raw) == ("record" in raw):
            self.add(path, "a rule has exactly one of 'alert:' and 'record:'")
            return None
        for key in sorted(set(raw) - RULE_KEYS):
            self.add(path + (key,), f"unknown rule key '{key}'", f"Prometheus reads {', '.join(sorted(RULE_KEYS))}")
        for key in ("labels", "annotations"):
            values = raw.get(key) or {}
            if not isinstance(values, dict) or not all(isinstance(v, TEXT) for v in values.values()):
                self.add(path + (key,), f"'{key}:' must map names to text")
                return None
        if not isinstance(raw.get("expr"), TEXT) or isinstance(raw.get("expr"), bool):
            self.add(path + ("expr",), "a rule needs an 'expr:' of PromQL")
            return None
        try:
            tree = promql.parse(str(raw["expr"]))
        except promql.PromQLSyntaxError as exc:
            self.add(path + ("expr",), f"invalid PromQL: {exc}", "Prometheus refuses the file as it is")
            return None
        return RawRule(raw, self.where(path), usage_of(tree))


def read_rule_files(paths: Sequence[Path]) -> list[RawGroup]:
    """Every group of every file, in order; a SpecError naming every problem of every file."""
    groups: list[RawGroup] = []
    issues: list[SpecIssue] = []
    for path in paths:
        reader = _Reader(read_source(path))
        groups += reader.groups()
        issues += reader.issues
    if issues:
        raise SpecError(issues)
    return groups
