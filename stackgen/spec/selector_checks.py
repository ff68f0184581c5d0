"""Selectors that can match nothing: a label no series carries, a job no scrape config defines.

PromQL accepts `{dbname="x"}` on a metric whose label is `datname`, and `job="node"` when the node
exporter's job is `node-exporter`: the query is valid and silently empty, so the alert never fires.
The labels a series carries are known from the spec: a metric's declared labels, the labels Prometheus adds
when it scrapes (job, instance, each service's target labels), external labels, and for a recording rule the
labels its expression keeps (by-clauses narrow them, label_replace adds one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import promql_parser as pp

from stackgen import promql
from stackgen.model import SERIES_SUFFIXES
from stackgen.spec import catalog
from stackgen.spec.exporter_catalog import exporter_metrics
from stackgen.spec.suggest import did_you_mean
from stackgen.spec.v1.rules import recording_rules_at

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker, SpecPath

Labels = frozenset[str]
COMPONENT_JOBS = ("prometheus", "alertmanager")  # scraped by every stack, besides services and exporters
KEEPS_LABELS = ("topk", "bottomk", "limitk", "limit_ratio")  # aggregations that keep their input's labels


class Selectors:
    """What the spec's series carry: labels per series name (None: not known) and the scrape jobs."""

    def __init__(self, c: Checker) -> None:
        spec = c.spec
        self.jobs = [*COMPONENT_JOBS, *(s.name for s in spec.services), *(e.name for e in spec.exporters)]
        target = {"job", "instance", "__name__", *spec.settings.external_labels}
        target |= {"service"} if spec.services else set()
        target |= {label for s in spec.services for label in s.labels}
        self.target: Labels = frozenset(target)
        self.series: dict[str, Labels | None] = {name: self.target for name in catalog.PROMETHEUS_SYNTHETIC}
        self.series.update({"ALERTS": None, "ALERTS_FOR_STATE": None})
        self.foreign: set[str] = set()  # series of metrics someone else exposes: labels and jobs not known here
        for metric in spec.metrics:
            if metric.external or metric.inferred:
                names = [metric.name + suffix for suffix in SERIES_SUFFIXES[metric.type]]
                self.foreign.update(names)
                self.series.update(dict.fromkeys(names))
                continue
            self._declare(metric.name, metric.type, metric.labels)
        for exporter in spec.exporters:
            for exported in exporter_metrics(exporter):
                self._declare(exported.name, exported.type, exported.labels)
        for _, rule in recording_rules_at(spec.recording_rules, spec.recording_groups):  # a rule reads those before it
            try:
                tree = promql.parse(promql.substitute_thresholds(rule.expr, c.threshold_values))
                kept = self.produced(tree)
            except promql.PromQLSyntaxError:
                kept = None
            else:
                if any(node.name in self.foreign for node in _selectors(tree)):
                    self.foreign.add(rule.record)
            self.series[rule.record] = None if kept is None else kept | set(rule.labels) | {"__name__"}

    def _declare(self, name: str, kind: str, labels: Iterable[str] | None) -> None:
        """The series of a declared metric; labels None: not known, so not checked."""
        for suffix in SERIES_SUFFIXES[kind]:
            extra = {"_bucket": {"le"}}.get(suffix, {"quantile"} if kind == "summary" and not suffix else set())
            self.series[name + suffix] = None if labels is None else self.target | set(labels) | extra

    def produced(self, node: Any) -> Labels | None:
        """The labels an expression's result may carry (a superset); None when that cannot be known."""
        if isinstance(node, pp.VectorSelector):
            return self.series.get(node.name) if node.name else None
        if isinstance(node, pp.MatrixSelector):
            return self.produced(node.vector_selector)
        if isinstance(node, (pp.ParenExpr, pp.UnaryExpr, pp.SubqueryExpr)):
            return self.produced(node.expr)
        if isinstance(node, pp.AggregateExpr):
            return self._aggregate(node)
        if isinstance(node, pp.Call):
            return self._call(node)
        if isinstance(node, pp.BinaryExpr):
            sides = [self.produced(node.lhs), self.produced(node.rhs)]
            if sides[0] is None or sides[1] is None:
                return None
            return sides[0] | sides[1]
        return frozenset()

    def _aggregate(self, node: Any) -> Labels | None:
        inner = self.produced(node.expr)
        name = str(node.op).lower()
        if any(name.endswith(keep) for keep in KEEPS_LABELS) or inner is None:
            return inner
        modifier = node.modifier
        if modifier is None:
            return frozenset()
        if str(modifier.type).lower().endswith("by"):
            return frozenset(modifier.labels)
        return inner - set(modifier.labels)

    def _call(self, node: Any) -> Labels | None:
        args = list(node.args)
        vectors = [self.produced(a) for a in args if not isinstance(a, (pp.StringLiteral, pp.NumberLiteral))]
        if any(v is None for v in vectors):
            return None
        labels = frozenset().union(*(v for v in vectors if v is not None))
        if node.func.name in ("label_replace", "label_join") and len(args) > 1 and isinstance(args[1], pp.StringLiteral):
            labels |= {args[1].val}
        return labels


def _selectors(tree: Any) -> list[Any]:
    found: list[Any] = []

    def visit(node: Any) -> bool:
        if isinstance(node, pp.VectorSelector):
            found.append(node)
        return True

    pp.walk(tree, visit)
    return found


def check_selectors(c: Checker, path: SpecPath, tree: Any) -> None:
    """Each selector's label names are ones its series carry, and its job matchers name a scrape job."""
    known = c.selectors
    for node in _selectors(tree):
        matchers = list(node.matchers.matchers)
        labels = known.series.get(node.name) if node.name else None
        for m in matchers:
            if labels is not None and m.name not in labels:
                c.add(path, f"'{node.name}' has no label '{m.name}', so this selector matches nothing",
                      did_you_mean(m.name, sorted(labels)) or f"its labels: {', '.join(sorted(labels - {'__name__'}))}")
            elif m.name == "job" and node.name not in known.foreign:
                _check_job(c, path, str(m.op), m.value, known.jobs)


def _check_job(c: Checker, path: SpecPath, op: str, value: str, jobs: Iterable[str]) -> None:
    if "grafana_var" in value or op.endswith("NotEqual") or op.endswith("NotRe"):
        return
    jobs = list(jobs)
    if op.endswith("Re"):
        try:
            if any(re.fullmatch(value, job) for job in jobs):
                return
        except re.error:
            return  # the PromQL parser is the judge of the regex itself
        c.add(path, f"job=~\"{value}\" matches none of this stack's scrape jobs", f"its jobs: {', '.join(jobs)}")
        return
    if value not in jobs:
        close = did_you_mean(value, jobs) or next(
            (f"did you mean '{job}'?" for job in jobs if job.startswith(value) or value in job.split("-")), "")
        c.add(path, f"no scrape job is named '{value}', so job=\"{value}\" matches nothing",
              (close + " " if close else "") + "jobs are named after services and exporters: "
              + ", ".join(jobs))
