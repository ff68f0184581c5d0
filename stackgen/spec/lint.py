"""Naming lint: metric, label and threshold names against Prometheus' naming conventions.

These are conventions, not validity: a spec that breaks them still renders, so findings are warnings,
and errors only under `--strict`. See https://prometheus.io/docs/practices/naming/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from stackgen.errors import SpecError, SpecIssue
from stackgen.model import Spec
from stackgen.spec.loader import built, check_typed, read_source
from stackgen.spec.yamlsource import Source

if TYPE_CHECKING:
    from stackgen.spec.v1.document import SpecV1

SNAKE_CASE = re.compile(r"^[a-z_][a-z0-9_]*$")
# A unit word in a name -> the base unit Prometheus uses instead.
NON_BASE_UNITS = {
    **dict.fromkeys(("ms", "msec", "millis", "milliseconds", "us", "microseconds", "ns", "nanoseconds",
                     "minutes", "hours", "days"), "seconds"),
    **dict.fromkeys(("kb", "kib", "kilobytes", "mb", "mib", "megabytes", "gb", "gib", "gigabytes", "bits"),
                    "bytes"),
    **dict.fromkeys(("pct", "percent", "percentage"), "ratio"),
}
BASE_UNITS = ("seconds", "bytes", "ratio", "meters", "grams", "volts", "amperes", "joules", "celsius", "hertz")
TIME_WORDS = ("duration", "latency", "elapsed")


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()).strip("_")


def metric_name_findings(name: str, kind: str, unit: str = "") -> list[tuple[str, str]]:
    """(message, hint) for each convention `name`, a metric of type `kind`, breaks."""
    found = []
    if not SNAKE_CASE.match(name):
        found.append((f"metric name '{name}' is not snake_case", f"rename it '{_snake(name)}'"))
    words = name.lower().split("_")
    for i, word in enumerate(words):
        if word in NON_BASE_UNITS:
            base = NON_BASE_UNITS[word]
            fixed = "_".join(words[:i] + [base] + words[i + 1:])
            found.append((f"'{name}' uses the unit '{word}'; Prometheus uses base units ({base})",
                          f"rename it '{fixed}' and record the value in {base}"))
    if "total" in words[:-1]:
        rest = [w for w in words if w != "total"]
        found.append((f"'{name}': _total goes last, after the unit", f"rename it '{'_'.join(rest)}_total'"))
    if kind == "counter" and words[-1] != "total":
        found.append((f"counter '{name}' does not end in _total", f"rename it '{name}_total'"))
    if kind != "counter" and words[-1] == "total":
        found.append((f"'{name}' ends in _total, which marks counters, but it is a {kind}",
                      "drop the _total suffix, or make it a counter"))
    core = [w for w in words if w != "total"]
    if unit and unit in BASE_UNITS and (not core or core[-1] != unit):
        found.append((f"'{name}' declares unit '{unit}' but does not end in _{unit}",
                      f"put the unit in the name: '{'_'.join(core)}_{unit}{'_total' if kind == 'counter' else ''}'"))
    if any(w in TIME_WORDS for w in words) and not any(w in BASE_UNITS or w in NON_BASE_UNITS for w in words):
        found.append((f"'{name}' measures time but names no unit", "end it in _seconds and record seconds"))
    return found


def _unit_findings(unit: str) -> list[tuple[str, str]]:
    word = unit.strip().lower()
    if word in NON_BASE_UNITS:
        base = NON_BASE_UNITS[word]
        return [(f"unit '{unit}' is not a base unit", f"use {base}, and state the value in {base}")]
    return []


def lint_spec(source: Source, spec: SpecV1) -> list[SpecIssue]:
    """Every naming-convention finding in a checked spec, in file order."""
    issues = []
    for i, metric in enumerate(spec.metrics):
        if metric.external or metric.inferred:  # someone else's name: renaming it would break the query
            continue
        path: tuple[str | int, ...] = ("metrics", i)
        for message, hint in metric_name_findings(metric.name, metric.type, metric.unit):
            issues.append(source.issue(path + ("name",), message, hint))
        for message, hint in _unit_findings(metric.unit):
            issues.append(source.issue(path + ("unit",), message, hint))
        for j, label in enumerate(metric.labels):
            if not SNAKE_CASE.match(label):
                issues.append(source.issue(path + ("labels", j), f"label '{label}' is not snake_case",
                                           f"rename it '{_snake(label)}'"))
    for name, threshold in spec.thresholds.items():
        for message, hint in _unit_findings(threshold.unit):
            issues.append(source.issue(("thresholds", name, "unit"), message, hint))
        for word in name.split("_"):
            if word in NON_BASE_UNITS:
                issues.append(source.issue(("thresholds", name), f"threshold '{name}' uses the unit '{word}'",
                                           f"state it in {NON_BASE_UNITS[word]}, as the metrics it is compared with"))
    return sorted(issues, key=lambda issue: issue.line or 0)


def load_linted(path: str | Path | None, strict: bool = False) -> tuple[Spec, list[SpecIssue]]:
    """`load_spec` plus the naming lint: (spec, warnings), or a SpecError when `strict` and lint finds any."""
    return build_linted(read_source(path), strict)


def build_linted(source: Source, strict: bool = False) -> tuple[Spec, list[SpecIssue]]:
    """A parsed spec checked, linted and built: (spec, warnings); see `load_linted`."""
    typed = check_typed(source)
    findings = lint_spec(source, typed)
    if strict and findings:
        raise SpecError(findings)
    return built(source, typed), findings
