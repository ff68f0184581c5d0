"""Dashboard checks: unique uids, titles and panel titles, queries over declared metrics, units Grafana
knows, threshold steps that exist and increase, variables that resolve, rows Grafana lays out as written."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from grafanalib import formatunits

from stackgen.spec.suggest import did_you_mean

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker, SpecPath
    from stackgen.spec.v1.dashboards import Panel, PanelThreshold, Row, Variable

# Grafana's unit ids, as grafanalib mirrors them from Grafana's own catalogue (valueFormats/categories.ts).
GRAFANA_UNITS = frozenset(v for k, v in vars(formatunits).items() if k.isupper() and isinstance(v, str))
CUSTOM_UNIT = re.compile(r"^(suffix|prefix|si|count|currency|time):\S.*$")  # Grafana's custom units
# What people write for a unit, and the id they mean: a better hint than spelling similarity.
UNIT_ALIASES = {
    "seconds": "s", "second": "s", "sec": "s", "secs": "s", "milliseconds": "ms", "millisecond": "ms",
    "microseconds": "µs", "nanoseconds": "ns", "minutes": "m", "hours": "h", "days": "d",
    "ratio": "percentunit", "fraction": "percentunit", "%": "percent", "pct": "percent",
    "req/s": "reqps", "requests/s": "reqps", "rps": "reqps", "ops/s": "ops", "/s": "ops",
    "count": "short", "number": "none", "byte": "bytes", "b": "bytes", "bits/s": "bps", "bytes/s": "Bps",
    "duration": "dtdurations",
}
_HUES = ("red", "orange", "yellow", "green", "blue", "purple")
GRAFANA_COLORS = frozenset({"text", "transparent", "white", "black"} | {
    f"{shade}{hue}" for hue in _HUES for shade in ("", "super-light-", "light-", "semi-dark-", "dark-")})
COLOR = re.compile(r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|rgba?\([0-9.,\s%]+\))$")
# Variables Grafana defines itself; a query may use them without declaring them.
BUILTIN_VARIABLES = frozenset({"__rate_interval", "__interval", "__interval_ms", "__range", "__range_s",
                               "__range_ms", "__from", "__to", "__dashboard", "__org", "__user"})
VARIABLE_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
# The query forms of Grafana's Prometheus variable editor; the ones holding PromQL are checked as PromQL.
_LABEL_VALUES_OF = re.compile(r"^\s*label_values\(\s*(?P<expr>.+),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$", re.S)
_QUERY_RESULT = re.compile(r"^\s*query_result\((?P<expr>.+)\)\s*$", re.S)
_NO_PROMQL = re.compile(r"^\s*(label_names\(\s*\)|label_values\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)|metrics\(.*\))\s*$",
                        re.S)


def check_dashboards(c: Checker) -> None:
    dashboards = c.spec.dashboards
    c.unique(((("dashboards", i, "uid"), d.uid) for i, d in enumerate(dashboards)), "dashboard uid")
    # Grafana refuses two dashboards with one title in a folder, and all of a spec's share one.
    c.unique(((("dashboards", i, "title"), d.title) for i, d in enumerate(dashboards)), "dashboard title")
    for di, dashboard in enumerate(dashboards):
        path: SpecPath = ("dashboards", di)
        variables = _check_variables(c, path, dashboard.variables)
        _check_rows(c, path, dashboard.rows)
        panels = [(path + ("rows", ri, "panels", pi), panel)
                  for ri, row in enumerate(dashboard.rows) for pi, panel in enumerate(row.panels)]
        c.unique(((p + ("title",), panel.title) for p, panel in panels), "panel title")
        for panel_path, panel in panels:
            _check_panel(c, panel_path, panel, variables)


def _check_variables(c: Checker, path: SpecPath, variables: tuple[Variable, ...]) -> set[str]:
    """Each variable's query is a form Grafana knows, over declared metrics, using only earlier variables."""
    c.unique(((path + ("variables", i, "name"), v.name) for i, v in enumerate(variables)), "variable")
    known: set[str] = set()
    for i, variable in enumerate(variables):
        where = path + ("variables", i, "query")
        query = variable.query
        _check_variable_refs(c, where, query, known, "an earlier variable")
        match = _LABEL_VALUES_OF.match(query) or _QUERY_RESULT.match(query)
        if match:
            c.expression(where, match.group("expr"), grafana=True)
        elif not _NO_PROMQL.match(query):
            c.add(where, f"unsupported variable query {query!r}",
                  "write label_values(metric, label), label_values(label), label_names() or query_result(expr)")
        known.add(variable.name)
    return known


def _check_variable_refs(c: Checker, path: SpecPath, text: str, known: set[str], where: str) -> None:
    for name in sorted(set(VARIABLE_REF.findall(text))):
        if name not in known and name not in BUILTIN_VARIABLES:
            hint = did_you_mean(name, known | BUILTIN_VARIABLES) or f"declare it as {where} under 'variables:'"
            c.add(path, f"unknown variable '${name}'", hint)


def _check_rows(c: Checker, path: SpecPath, rows: tuple[Row, ...]) -> None:
    """Grafana puts every panel after a titled row inside that row, so untitled rows can only come first."""
    titled = False
    for ri, row in enumerate(rows):
        if row.title:
            titled = True
            continue
        if titled:
            c.add(path + ("rows", ri), "a row without a title after a titled row",
                  "Grafana would show its panels inside the row above: give it a title or move it first")
        if row.collapsed:
            c.add(path + ("rows", ri, "collapsed"), "only a titled row can be collapsed",
                  "give the row a title, or remove 'collapsed'")


def _check_panel(c: Checker, path: SpecPath, panel: Panel, variables: set[str]) -> None:
    for qi, query in enumerate(panel.queries):
        c.expression(path + ("queries", qi, "expr"), query.expr, grafana=True)
        _check_variable_refs(c, path + ("queries", qi, "expr"), query.expr, variables, "a variable")
    unit = panel.unit
    if unit not in GRAFANA_UNITS and not CUSTOM_UNIT.match(unit):
        alias = UNIT_ALIASES.get(unit.lower())
        hint = (f"did you mean '{alias}'?" if alias else did_you_mean(unit, GRAFANA_UNITS)) or \
            "use a Grafana unit id such as s, ms, bytes, percentunit, reqps, short, or 'suffix:<text>'"
        c.add(path + ("unit",), f"unknown Grafana unit '{unit}'", hint)
    if panel.min is not None and panel.max is not None and panel.min >= panel.max:
        c.add(path + ("max",), f"max {panel.max} is not above min {panel.min}", "swap them")
    _check_threshold_steps(c, path, panel.thresholds)


def _check_threshold_steps(c: Checker, path: SpecPath, steps: tuple[PanelThreshold, ...]) -> None:
    """Steps name spec thresholds that exist, only the first may lack a value, and values increase."""
    previous = None
    for ti, step in enumerate(steps):
        where = path + ("thresholds", ti)
        color = step.color
        if color not in GRAFANA_COLORS and not COLOR.match(color):
            c.add(where + ("color",), f"unknown colour '{color}'",
                  did_you_mean(color, GRAFANA_COLORS) or "use a Grafana colour name (green, orange, red...) or #rrggbb")
        if step.value is None:
            if ti:
                c.add(where, "only the first step may leave out 'value'",
                      "the step without a value is the base colour; give this one a value or move it first")
            continue
        value = step.value
        if isinstance(value, str):
            if value not in c.thresholds:
                c.reference(where + ("value",), value, c.thresholds, "threshold", "'thresholds:'")
                continue
            value = c.thresholds[value].value
        if previous is not None and value <= previous:
            c.add(where + ("value",), f"threshold steps must increase: {value} comes after {previous}",
                  "list the steps from the lowest value to the highest")
        previous = value
