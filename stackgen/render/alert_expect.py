"""What promtool should see when an alert test case fires: the labels of the alert it expects.

Spec authors write input series and whether the alert fires; the expected label set is derived here, so a
case stays a few lines. The derivation follows PromQL's own rules on the parsed expression: a selector keeps
the labels of the input series it matches; aggregations keep their `by` labels (or drop their `without`
labels); `absent()` and `absent_over_time()` fire only when nothing matches, with the labels of their
selector's equality matchers; `or` answers from the side that has input, `unless` and `and` from the left;
`on`/`ignoring`/`group_*` keep what Prometheus keeps; `label_replace`/`label_join` compute their label; a
recording rule is followed into its expression, with its own labels. A label stays when every input that
reaches the result agrees on its value. Annotations are expanded in `alert_template`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import promql_parser as pp

from stackgen import promql
from stackgen.model import RecordingRule
from stackgen.render.template_funcs import go_expand

# Label name -> the values it takes across the series an expression yields ("" where a series lacks it).
Values = dict[str, set[str]]
RuleIndex = Mapping[str, tuple[RecordingRule, ...]]
_KEEP_ALL = ("topk", "bottomk", "limitk")
_KEEP_NAME = ("label_replace", "label_join", "sort", "sort_desc", "last_over_time")
_ARITHMETIC = ("+", "-", "*", "/", "%", "^", "atan2")


@functools.lru_cache(maxsize=4096)
def _parsed(expr: str) -> pp.Expr:
    """An alert's or rule's expression, parsed once however many cases use it (the tree is only read)."""
    return promql.parse(expr)


def parse_series(selector: str) -> tuple[str, dict[str, str]]:
    """`name{a="b"}` -> (name, {a: b}), with the PromQL parser so quoting rules are PromQL's."""
    node: Any = _parsed(selector)
    labels = {m.name: m.value for m in node.matchers.matchers if m.name != "__name__"}
    name = node.name or next(m.value for m in node.matchers.matchers if m.name == "__name__")
    return name, labels


def index_rules(rules: Iterable[RecordingRule]) -> dict[str, tuple[RecordingRule, ...]]:
    """Recording rules by the metric they record, built once per spec (a name may be recorded twice)."""
    index: dict[str, tuple[RecordingRule, ...]] = {}
    for rule in rules:
        index[rule.record] = (*index.get(rule.record, ()), rule)
    return index


def _union(parts: list[Values]) -> Values:
    """The labels of several series together: a label some series lack takes the value "" for them."""
    names = {name for part in parts for name in part}
    return {name: set().union(*(part.get(name, {""}) for part in parts)) for name in names}


class _Result:
    """The labels an expression yields for one case's input series; None means it yields nothing."""

    def __init__(self, series: list[tuple[str, dict[str, str]]], rules: RuleIndex) -> None:
        self.series = series
        self.rules = rules

    def of(self, node: pp.Expr) -> Values | None:
        if isinstance(node, pp.VectorSelector):
            return self._selector(node)
        if isinstance(node, pp.MatrixSelector):
            return self._selector(node.vector_selector)
        if isinstance(node, (pp.ParenExpr, pp.UnaryExpr, pp.SubqueryExpr)):
            return self.of(node.expr)
        if isinstance(node, pp.AggregateExpr):
            return self._aggregate(node)
        if isinstance(node, pp.Call):
            return self._call(node)
        if isinstance(node, pp.BinaryExpr):
            return self._binary(node)
        return {}  # a literal: one value, no labels

    def _selector(self, node: pp.VectorSelector) -> Values | None:
        name = node.name or ""
        if name in self.rules:
            found = []
            for rule in self.rules[name]:
                # Rules that share a name (every SLO records slo:sli_error:ratio_rate5m) are told apart by the
                # labels they set: a selector reads only the rules whose labels its matchers accept.
                if not all(_matches(m, rule.labels) for m in node.matchers.matchers if m.name in rule.labels):
                    continue
                inner = self.of(_parsed(rule.expr))
                if inner is not None:
                    found.append({**inner, **{k: {v} for k, v in rule.labels.items()}, "__name__": {name}})
            return _union(found) if found else None
        matching = [{**{k: {v} for k, v in labels.items()}, "__name__": {name}} for metric, labels in self.series
                    if metric == name and all(_matches(m, labels) for m in node.matchers.matchers)]
        return _union(matching) if matching else None

    def _aggregate(self, node: pp.AggregateExpr) -> Values | None:
        inner = self.of(node.expr)
        if inner is None or str(node.op) in _KEEP_ALL:
            return inner
        if str(node.op) == "count_values":  # adds a label whose value is the sample's: unknown here
            inner[str(getattr(node.param, "val", ""))] = {"", "?"}
        if node.modifier is None:
            return {}
        names = set(node.modifier.labels)
        by = str(node.modifier.type).endswith("By")
        if not by:
            names.add("__name__")
        return {k: v for k, v in inner.items() if (k in names) == by or k == str(getattr(node.param, "val", ""))}

    def _call(self, node: pp.Call) -> Values | None:
        name = node.func.name
        if name in ("absent", "absent_over_time"):
            return _absent(node.args[0]) if self.of(node.args[0]) is None else None
        vectors = [a for a in node.args if not _is_scalar(a) and not isinstance(a, pp.StringLiteral)]
        if name in ("scalar", "time", "vector") or not vectors:
            return {}
        inner = self.of(vectors[0])
        if inner is None:
            return None
        if name not in _KEEP_NAME:
            inner.pop("__name__", None)
        if name == "histogram_quantile":
            inner.pop("le", None)
        elif name == "label_replace":
            dst, replacement, src, regex = (a.val for a in node.args[1:5])
            inner[dst] = {_replace(v, regex, replacement, old) for v in inner.get(src, {""})
                          for old in inner.get(dst, {""})}
        elif name == "label_join":
            dst, sep, *srcs = (a.val for a in node.args[1:])
            inner[dst] = ({sep.join(next(iter(inner.get(s, {""}))) for s in srcs)}
                          if all(len(inner.get(s, {""})) == 1 for s in srcs) else {"", "?"})
        return inner

    def _binary(self, node: pp.BinaryExpr) -> Values | None:
        op, mod = str(node.op).lower(), node.modifier
        if _is_scalar(node.lhs) or _is_scalar(node.rhs):
            inner = self.of(node.rhs if _is_scalar(node.lhs) else node.lhs)
            if inner is not None and (op in _ARITHMETIC or (mod is not None and mod.return_bool)):
                inner.pop("__name__", None)
            return inner
        result = self._vectors(node, op, mod)
        if result is not None and (op in _ARITHMETIC or (mod is not None and mod.return_bool)):
            result.pop("__name__", None)
        return result

    def _vectors(self, node: pp.BinaryExpr, op: str, mod: pp.BinModifier | None) -> Values | None:
        lhs, rhs = self.of(node.lhs), self.of(node.rhs)
        if op == "or":
            return lhs if lhs is not None else rhs
        if op == "unless":
            return lhs if lhs is None or rhs is None or not _same_signature(lhs, rhs, mod) else None
        if lhs is None or rhs is None:
            return None
        if op == "and":
            return lhs
        card = str(mod.card) if mod is not None else "OneToOne"
        many, one = (rhs, lhs) if card.endswith("OneToMany") else (lhs, rhs)
        if card.endswith("OneToOne") and mod is not None and mod.matching is not None:
            names = set(mod.matching.labels)
            include = str(mod.matching.type).endswith("Include")
            many = {k: v for k, v in many.items() if (k in names) == include}
        for name in (mod.group_labels or ()) if mod is not None else ():
            many[name] = one.get(name, {""})
        return many


def _matches(matcher: pp.Matcher, labels: dict[str, str]) -> bool:
    if matcher.name == "__name__":
        return True
    value, op = labels.get(matcher.name, ""), str(matcher.op)
    if op.endswith("NotEqual"):
        return value != matcher.value
    if op.endswith("Equal"):
        return value == matcher.value
    found = re.fullmatch(matcher.value, value) is not None
    return not found if op.endswith("NotRe") else found


def _absent(arg: pp.Expr) -> Values:
    """Prometheus' labels for absent(): the selector's equality matchers, unless a label is matched twice."""
    selector = arg.vector_selector if isinstance(arg, pp.MatrixSelector) else arg
    if not isinstance(selector, pp.VectorSelector):
        return {}
    out: Values = {}
    dropped = set()
    for m in selector.matchers.matchers:
        if m.name == "__name__":
            continue
        if str(m.op).endswith(".Equal") and m.name not in out:
            out[m.name] = {m.value}
        else:
            dropped.add(m.name)
    return {k: v for k, v in out.items() if k not in dropped}


def _replace(value: str, regex: str, replacement: str, old: str) -> str:
    """label_replace on one value: Go's anchored RE2 match and `$1`/`${name}` expansion."""
    match = re.fullmatch(regex, value)
    return old if match is None else go_expand(match, replacement)


def _same_signature(lhs: Values, rhs: Values, mod: pp.BinModifier | None) -> bool:
    """Whether `unless` finds a right-hand series matching the left one (so the left one is dropped)."""
    names = set(lhs) | set(rhs)
    if mod is not None and mod.matching is not None:
        chosen = set(mod.matching.labels)
        names = chosen if str(mod.matching.type).endswith("Include") else names - chosen
    return all(len(lhs.get(n, {""})) == 1 and lhs.get(n, {""}) == rhs.get(n, {""}) for n in names)


def _is_scalar(node: pp.Expr) -> bool:
    if isinstance(node, pp.NumberLiteral):
        return True
    if isinstance(node, (pp.ParenExpr, pp.UnaryExpr)):
        return _is_scalar(node.expr)
    if isinstance(node, pp.BinaryExpr):
        return _is_scalar(node.lhs) and _is_scalar(node.rhs)
    if isinstance(node, pp.Call):
        return str(node.func.return_type).endswith("Scalar")
    return False


def result_labels(expr: str, series: list[tuple[str, dict[str, str]]], rules: RuleIndex) -> dict[str, str]:
    """The labels of the sample the expression yields for these input series (what a template sees as
    `$labels`, `__name__` included where PromQL keeps it), where the inputs agree on the value."""
    values = _Result(list(series), rules).of(_parsed(expr)) or {}
    return {k: next(iter(v)) for k, v in sorted(values.items()) if len(v) == 1 and "" not in v}


def surviving_labels(expr: str, series: dict[str, dict[str, str]] | list[tuple[str, dict[str, str]]],
                     rules: RuleIndex) -> dict[str, str]:
    """Labels of the alert the expression yields for these input series, where the inputs agree on the value."""
    inputs = list(series.items()) if isinstance(series, dict) else list(series)
    return {k: v for k, v in result_labels(expr, inputs, rules).items() if k != "__name__"}
