"""Metric declarations for the series imported rules read: types inferred from names and use, marked inferred.

A rule file never says what its metrics are. The suffixes Prometheus' conventions attach (_total, _bucket,
_sum, _count) and the functions an expression applies (rate() wants a counter, histogram_quantile() buckets)
say enough to declare each one; the declaration is marked `inferred: true` for the user to confirm.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import promql_parser as pp

from stackgen import promql

COUNTER_FUNCTIONS = frozenset({"rate", "irate", "increase", "resets"})


@dataclass(frozen=True)
class Usage:
    """The series names an expression selects, and those it takes a counter function of."""

    names: frozenset[str]
    counted: frozenset[str]


def usage_of(tree: Any) -> Usage:
    """What a parsed expression selects, and of what it takes a counter function."""
    counted: set[str] = set()

    def visit(node: Any) -> bool:
        if isinstance(node, pp.Call) and node.func.name in COUNTER_FUNCTIONS:
            for arg in node.args:
                counted.update(promql.metric_names_in(arg))
        return True

    pp.walk(tree, visit)
    return Usage(frozenset(promql.metric_names_in(tree)), frozenset(counted))


def infer_metrics(usages: Iterable[Usage], known: frozenset[str], reader: str = "imported rules") -> list[dict[str, Any]]:
    """Spec `metrics:` items for every series the usages select that `known` (declared, recorded) lacks; their
    help text names what reads them (`reader`), so a user confirming them knows where to look."""

    def _declaration(name: str, kind: str, why: str) -> dict[str, Any]:
        return {"name": name, "type": kind, "help": f"Read by {reader}; {kind} inferred from {why}.", "inferred": True}

    names: set[str] = set()
    counted: set[str] = set()
    for usage in usages:
        names |= usage.names
        counted |= usage.counted
    names -= known
    declared: list[dict[str, Any]] = []
    covered: set[str] = set()
    for name in sorted(names):
        if name.endswith("_bucket"):
            base = name.removesuffix("_bucket")
            declared.append(_declaration(base, "histogram", "its _bucket series"))
            covered |= {name, base + "_sum", base + "_count"}
    for name in sorted(names - covered):
        base = name.rpartition("_")[0]
        if name.endswith(("_sum", "_count")) and ({base + "_sum", base + "_count", base} - {name}) & names:
            if base + "_sum" in covered:
                continue
            declared.append(_declaration(base, "summary", "its _sum and _count series"))
            covered |= {base, base + "_sum", base + "_count"}
    for name in sorted(names - covered):
        if name.endswith("_total"):
            declared.append(_declaration(name, "counter", "its _total suffix"))
        elif name in counted:
            declared.append(_declaration(name, "counter", "rate() or increase() applied to it"))
        else:
            declared.append(_declaration(name, "gauge", "its use (no counter suffix or function)"))
    return sorted(declared, key=lambda item: item["name"])
