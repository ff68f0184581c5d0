"""What promtool should see when an alert test case fires: its labels and its annotations.

Spec authors write input series and whether the alert fires; the expected label set and annotations are
derived here, so a case stays a few lines:

- labels: the alert's own labels (severity, service, `labels:`), plus every label of the input series that
  survives the expression (followed through `by`/`without`, `on`/`ignoring`/`group_*`, functions and
  recording rules), when all input series agree on its value; the case's `labels:` add to or override them.
- annotations: the alert's annotations with `{{ $labels.NAME }}`, `{{ $value }}` and `{{ $value | humanize }}`
  (also `humanizePercentage`, `humanizeDuration`) expanded the way Prometheus does, from those labels and the
  case's `value:`; the case's `annotations:` override whole annotations that use any other template.
"""

from __future__ import annotations

import math
import re

import promql_parser as pp

from stackgen import promql
from stackgen.model import RecordingRule

_TEMPLATE = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_LABEL_REF = re.compile(r"^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$")
_VALUE_REF = re.compile(r"^\$value(?:\s*\|\s*(humanize|humanizePercentage|humanizeDuration))?$")


def parse_series(selector: str) -> tuple[str, dict[str, str]]:
    """`name{a="b"}` -> (name, {a: b}), with the PromQL parser so quoting rules are PromQL's."""
    node = promql.parse(selector)
    labels = {m.name: m.value for m in node.matchers.matchers if m.name != "__name__"}
    name = node.name or next(m.value for m in node.matchers.matchers if m.name == "__name__")
    return name, labels


class _Labels:
    """Label names an expression's result keeps, given the label names of the input series per metric."""

    def __init__(self, series: dict[str, set[str]], rules: dict[str, RecordingRule]) -> None:
        self.series = series
        self.rules = rules

    def of(self, node) -> set[str]:
        if isinstance(node, pp.VectorSelector):
            rule = self.rules.get(node.name or "")
            if rule is not None:
                return self.of(promql.parse(rule.expr)) | set(rule.labels)
            return set(self.series.get(node.name or "", set()))
        if isinstance(node, pp.MatrixSelector):
            return self.of(node.vector_selector)
        if isinstance(node, (pp.ParenExpr, pp.UnaryExpr, pp.SubqueryExpr)):
            return self.of(node.expr)
        if isinstance(node, pp.AggregateExpr):
            return self._aggregate(node)
        if isinstance(node, pp.Call):
            return self._call(node)
        if isinstance(node, pp.BinaryExpr):
            return self._binary(node)
        return set()  # literals

    def _aggregate(self, node) -> set[str]:
        inner = self.of(node.expr)
        if str(node.op) in ("topk", "bottomk"):
            return inner
        if node.modifier is None:
            return set()
        names = set(node.modifier.labels)
        return inner & names if str(node.modifier.type).endswith("By") else inner - names

    def _call(self, node) -> set[str]:
        name = node.func.name
        vectors = [a for a in node.args if not _is_scalar(a) and not isinstance(a, pp.StringLiteral)]
        if name in ("absent", "absent_over_time", "scalar", "time", "vector") or not vectors:
            return set()
        inner = self.of(vectors[0])
        if name == "histogram_quantile":
            return inner - {"le"}
        if name in ("label_replace", "label_join"):
            return inner | {str(node.args[1]).strip('"')}
        return inner

    def _binary(self, node) -> set[str]:
        if _is_scalar(node.lhs):
            return self.of(node.rhs)
        if _is_scalar(node.rhs):
            return self.of(node.lhs)
        lhs, rhs, op = self.of(node.lhs), self.of(node.rhs), str(node.op).lower()
        if op == "or":
            return lhs | rhs
        mod = node.modifier
        if mod is None or op in ("and", "unless"):
            return lhs
        card = str(mod.card)
        if card.endswith("ManyToOne"):
            return lhs | set(mod.group_labels or ())
        if card.endswith("OneToMany"):
            return rhs | set(mod.group_labels or ())
        if mod.matching is None:
            return lhs
        names = set(mod.matching.labels)
        return lhs & names if str(mod.matching.type).endswith("Include") else lhs - names


def _is_scalar(node) -> bool:
    if isinstance(node, pp.NumberLiteral):
        return True
    if isinstance(node, (pp.ParenExpr, pp.UnaryExpr)):
        return _is_scalar(node.expr)
    if isinstance(node, pp.BinaryExpr):
        return _is_scalar(node.lhs) and _is_scalar(node.rhs)
    if isinstance(node, pp.Call):
        return str(node.func.return_type).endswith("Scalar")
    return False


def surviving_labels(expr: str, series: dict[str, dict[str, str]] | list[tuple[str, dict[str, str]]],
                     rules: tuple[RecordingRule, ...]) -> dict[str, str]:
    """Labels of the input series that the expression's result keeps, where the inputs agree on the value."""
    inputs = list(series.items()) if isinstance(series, dict) else list(series)
    names_by_metric: dict[str, set[str]] = {}
    values: dict[str, set[str]] = {}
    for metric, labels in inputs:
        names_by_metric.setdefault(metric, set()).update(labels)
        for k, v in labels.items():
            values.setdefault(k, set()).add(v)
    for rule in rules:
        for k, v in rule.labels.items():
            values.setdefault(k, set()).add(v)
    kept = _Labels(names_by_metric, {r.record: r for r in rules}).of(promql.parse(expr))
    return {k: next(iter(values[k])) for k in sorted(kept) if len(values.get(k, ())) == 1}


def go_float(v: float) -> str:
    """A float64 as Go's fmt %v prints it (what `{{ $value }}` shows)."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == int(v) and abs(v) < 1e21:
        return str(int(v))
    text = repr(float(v))
    return re.sub(r"e([+-])?(\d)$", lambda m: f"e{m.group(1) or '+'}0{m.group(2)}", text)


def _g4(v: float) -> str:
    """Go's %.4g: Python's, with Go's two-digit exponent."""
    return re.sub(r"e([+-])(\d)$", r"e\g<1>0\2", "%.4g" % v)


def _scaled(v: float, big: str, small: str) -> tuple[float, str]:
    prefix = ""
    if abs(v) >= 1:
        for p in big:
            if abs(v) < 1000:
                break
            prefix, v = p, v / 1000
    else:
        for p in small:
            if abs(v) >= 1:
                break
            prefix, v = p, v * 1000
    return v, prefix


def humanize(fn: str | None, v: float) -> str:
    """Prometheus' template functions humanize, humanizePercentage and humanizeDuration."""
    if fn is None:
        return go_float(v)
    if fn == "humanizePercentage":
        return _g4(v * 100) + "%"
    if math.isnan(v) or math.isinf(v) or (v == 0 and fn == "humanize"):
        return _g4(v)
    if fn == "humanize":
        v, prefix = _scaled(v, "kMGTPEZY", "munpfazy")
        return _g4(v) + prefix
    if v == 0:
        return _g4(v) + "s"
    if abs(v) >= 1:
        sign, secs = ("-", -v) if v < 0 else ("", v)
        d = int(secs)
        days, hours, minutes, seconds = d // 86400, d // 3600 % 24, d // 60 % 60, d % 60
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{_g4(secs)}s"
    v, prefix = _scaled(v, "", "munpfazy")
    return f"{_g4(v)}{prefix}s"


def expand_annotation(text: str, labels: dict[str, str], value: float | None) -> str:
    """The annotation as Prometheus renders it; templates it cannot expand are left as written."""

    def one(match: re.Match) -> str:
        body = match.group(1)
        if m := _LABEL_REF.match(body):
            return labels.get(m.group(1), "")
        if (m := _VALUE_REF.match(body)) and value is not None:
            return humanize(m.group(1), value)
        return match.group(0)

    return _TEMPLATE.sub(one, text)
