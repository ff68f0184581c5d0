"""Faults read from an alert's expression and threshold, for alerts that have no firing unit test.

Two shapes are understood, the common ones: a gauge over a threshold (`max by (queue) (queue_depth) > 1000`:
drive the gauge's baseline series to twice the threshold) and a ratio of counter rates under 1 over a
threshold (`rate(jobs_total{outcome="failed"}[5m]) / rate(jobs_total[5m]) > 0.1`, directly or through a
recording rule: drive the numerator's series alone, so the ratio is 1). The driven series are those the
selector's matchers keep, `=~`, `!=` and `!~` included: a numerator on `status=~"5.."` drives a 5xx series
even where the healthy service answers only 200. Anything else is left unsupported.
"""

from __future__ import annotations

from typing import Any

import promql_parser

from stackgen.model import Spec
from stackgen.process.matcher_values import Matcher, candidates, satisfies, selector_matchers
from stackgen.promql import PromQLSyntaxError, parse
from stackgen.service.baseline import baseline_series
from stackgen.service.drive import Drive

RATIO_RATE = 10.0  # numerator increments per second: far above any real traffic the ratio would be diluted by


def expression_drives(spec: Spec, expr: str, values: dict[str, dict[str, tuple[str, ...]]]) -> tuple[Drive, ...]:
    """The drives that make `expr` true, or () when its shape is not one of the two understood."""
    try:
        node = parse(expr)
    except PromQLSyntaxError:
        return ()
    if not isinstance(node, promql_parser.BinaryExpr) or str(node.op) not in (">", ">="):
        return ()
    if not isinstance(node.rhs, promql_parser.NumberLiteral):
        return ()
    threshold = float(node.rhs.val)
    lhs = _inline(spec, _unwrap(node.lhs))
    gauge = _selector(lhs, spec, "gauge")
    if gauge is not None:
        level = 2 * threshold if threshold > 0 else threshold + 1
        return tuple(Drive(gauge.name, "gauge", s.labels, value=level) for s in _matching(spec, gauge, values))
    if isinstance(lhs, promql_parser.BinaryExpr) and str(lhs.op) == "/" and threshold < 1:
        top, bottom = _rate_selector(spec, lhs.lhs), _rate_selector(spec, lhs.rhs)
        if top is None or bottom is None:
            return ()
        drives = [Drive(top.name, "counter", s.labels, rate=RATIO_RATE) for s in _matching(spec, top, values)]
        if bottom.name != top.name and drives:
            drives += [Drive(bottom.name, "counter", s.labels, rate=RATIO_RATE)
                       for s in _matching(spec, bottom, values)[:1]]
        return tuple(drives)
    return ()


def _unwrap(node: Any) -> Any:
    """Through parentheses and aggregations (max, sum, ... by labels), to what they aggregate."""
    while isinstance(node, (promql_parser.ParenExpr, promql_parser.AggregateExpr)):
        node = node.expr
    return node


def _inline(spec: Spec, node: Any) -> Any:
    """A recording rule's output, replaced by the rule's own expression."""
    if isinstance(node, promql_parser.VectorSelector):
        rule = next((r for r in spec.recording_rules if r.record == node.name), None)
        if rule is not None:
            return _unwrap(parse(rule.expr))
    return node


def _selector(node: Any, spec: Spec, kind: str) -> Any:
    if isinstance(node, promql_parser.VectorSelector):
        metric = spec.metric(node.name or "")
        if metric is not None and metric.type == kind:
            return node
    return None


def _rate_selector(spec: Spec, node: Any) -> Any:
    node = _unwrap(node)
    if isinstance(node, promql_parser.Call) and node.func.name in ("rate", "increase", "irate") and node.args:
        matrix = node.args[0]
        if isinstance(matrix, promql_parser.MatrixSelector):
            return _selector(matrix.vector_selector, spec, "counter")
    return None


def _matching(spec: Spec, selector: Any, values: dict[str, dict[str, tuple[str, ...]]]) -> list[Any]:
    """The baseline series of the selected metric that its matchers keep. A label whose baseline values the
    matchers all refuse (`status=~"5.."` on a service that only answers 200) takes a value made to pass them:
    the fault's series are new ones, the failures a healthy service never has."""
    metric = spec.metric(selector.name)
    assert metric is not None
    matchers = selector_matchers(selector)
    own = {label: _passing([m for m in matchers if m[0] == label], vals)
           for label, vals in values[metric.name].items()}
    return baseline_series(spec, metric, {**values, metric.name: own})


def _passing(matchers: list[Matcher], values: tuple[str, ...]) -> tuple[str, ...]:
    """The values every matcher keeps, else one made from the matchers (a non-empty one first), else none."""
    kept = tuple(v for v in values if all(satisfies(v, op, p) for _, op, p in matchers))
    if kept:
        return kept
    made = sorted(candidates(matchers), key=lambda v: v == "")
    return next(((v,) for v in made if all(satisfies(v, op, p) for _, op, p in matchers)), ())
