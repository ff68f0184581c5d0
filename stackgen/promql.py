"""PromQL in-process: syntax checks, metric-name extraction and threshold substitution."""

from __future__ import annotations

import re

import promql_parser

THRESHOLD_REF = re.compile(r"\{\{\s*thresholds\.([A-Za-z0-9_-]+)\s*\}\}")
# Grafana template variables that may appear in panel queries; replaced before parsing.
GRAFANA_RANGE_VARS = re.compile(r"\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}")
GRAFANA_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


class PromQLSyntaxError(ValueError):
    """The expression does not parse; the message is the parser's."""


def format_number(value: float | int) -> str:
    """A threshold as PromQL and humans write it: 5, 0.05, 1e+06 -> 1000000."""
    if isinstance(value, bool):
        raise TypeError("a threshold is a number")
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def threshold_refs(text: str) -> list[str]:
    return THRESHOLD_REF.findall(text)


def substitute_thresholds(text: str, values: dict[str, float | int]) -> str:
    """Replace `{{ thresholds.NAME }}` with its value; unknown names are left for the checker."""
    return THRESHOLD_REF.sub(lambda m: format_number(values[m.group(1)]) if m.group(1) in values else m.group(0),
                             text)


def parse(expr: str) -> promql_parser.Expr:
    try:
        return promql_parser.parse(expr)
    except (ValueError, TypeError) as exc:  # the parser raises ValueError with its own message
        raise PromQLSyntaxError(str(exc).strip() or "invalid PromQL") from None


def metric_names(expr: str) -> set[str]:
    """Every metric name a (valid) expression selects, by name or by `__name__=`."""
    return metric_names_in(parse(expr))


def metric_names_in(tree: promql_parser.Expr) -> set[str]:
    """`metric_names` of an expression already parsed, or of a part of one."""
    names: set[str] = set()

    def visit(node: promql_parser.Expr) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            if node.name:
                names.add(node.name)
            for m in node.matchers.matchers:
                if m.name == "__name__" and str(m.op).endswith("Equal"):
                    names.add(m.value)
        return True

    promql_parser.walk(tree, visit)
    return names


def grafana_to_promql(expr: str) -> str:
    """A panel query with Grafana variables made parseable: ranges become 5m, others a plain value."""
    expr = GRAFANA_RANGE_VARS.sub("5m", expr)
    return GRAFANA_VAR.sub("grafana_var", expr)
