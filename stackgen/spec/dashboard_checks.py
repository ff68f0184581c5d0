"""Dashboard checks: unique uids, titles and panel titles, queries over declared metrics, units Grafana
knows, threshold steps that exist and increase, variables complete for their type that resolve, rows Grafana
lays out as written."""

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
# What each variable type reads: a key set for another type would be ignored.
TYPE_FIELDS = {"query": ("query", "regex", "multi", "include_all"),
               "custom": ("values", "default", "multi", "include_all"), "datasource": ("regex",)}
DATASOURCE_VARIABLE = "datasource"  # the name of the data source variable the renderer adds when none is declared


def check_dashboards(c: Checker) -> None:
    dashboards = c.spec.dashboards
    c.unique(((("dashboards", i, "uid"), d.uid) for i, d in enumerate(dashboards)), "dashboard uid")
    # Grafana refuses two dashboards with one title in a folder, and all of a spec's share one.
    c.unique(((("dashboards", i, "title"), d.title) for i, d in enumerate(dashboards)), "dashboard title")
    for di, dashboard in enumerate(dashboards):
        path: SpecPath = ("dashboards", di)
        variables = _check_variables(c, path, dashboard.variables)
        sources = frozenset(v.name for v in dashboard.variables if v.type == "datasource")
        _check_rows(c, path, dashboard.rows)
        panels = [(path + ("rows", ri, "panels", pi), panel)
                  for ri, row in enumerate(dashboard.rows) for pi, panel in enumerate(row.panels)]
        c.unique(((p + ("title",), panel.title) for p, panel in panels), "panel title")
        for panel_path, panel in panels:
            _check_panel(c, panel_path, panel, variables, sources)


def _check_variables(c: Checker, path: SpecPath, variables: tuple[Variable, ...]) -> set[str]:
    """Each variable is complete for its type and only refers to earlier variables; returns the names a
    query may use."""
    c.unique(((path + ("variables", i, "name"), v.name) for i, v in enumerate(variables)), "variable")
    known: set[str] = set()
    sources = [i for i, v in enumerate(variables) if v.type == "datasource"]
    for i in sources[1:]:
        c.add(path + ("variables", i, "type"), "a second datasource variable",
              f"every panel reads '{variables[sources[0]].name}'; remove this one")
    for i, variable in enumerate(variables):
        where = path + ("variables", i)
        _check_fields_of_type(c, where, variable)
        if variable.type == "query":
            _check_variable_query(c, where + ("query",), variable.query, known,
                                  frozenset(variables[i].name for i in sources))
        elif variable.type == "custom":
            _check_custom_values(c, where, variable)
        if variable.name == DATASOURCE_VARIABLE and variable.type != "datasource":
            c.add(where + ("name",), f"'{DATASOURCE_VARIABLE}' names the data source variable stackgen adds",
                  "give this variable another name, or make it 'type: datasource'")
        if variable.type != "datasource":
            known.add(variable.name)
    return known


def _check_fields_of_type(c: Checker, where: SpecPath, variable: Variable) -> None:
    for key in ("query", "values", "default", "regex", "multi", "include_all"):
        if key in variable.model_fields_set and key not in TYPE_FIELDS[variable.type]:
            users = [t for t, keys in TYPE_FIELDS.items() if key in keys]
            c.add(where + (key,), f"'{key}' does nothing in a {variable.type} variable",
                  f"remove it, or make the variable 'type: {users[0]}'")
    if variable.type == "query" and not variable.query:
        c.add(where, "a query variable needs 'query'",
              "write label_values(metric, label), or give the variable another type (custom, datasource)")
    if variable.type == "custom" and not variable.values:
        c.add(where, "a custom variable needs 'values'", "list the values offered, e.g. values: [prod, staging]")


def _check_variable_query(c: Checker, where: SpecPath, query: str, known: set[str], sources: frozenset[str]) -> None:
    """The query is a form Grafana knows, over declared metrics, using only earlier variables."""
    _check_variable_refs(c, where, query, known, "an earlier variable", sources)
    match = _LABEL_VALUES_OF.match(query) or _QUERY_RESULT.match(query)
    if match:
        c.expression(where, match.group("expr"), grafana=True)
    elif query and not _NO_PROMQL.match(query):
        c.add(where, f"unsupported variable query {query!r}",
              "write label_values(metric, label), label_values(label), label_names() or query_result(expr)")


def _check_custom_values(c: Checker, where: SpecPath, variable: Variable) -> None:
    c.unique(((where + ("values", i), v) for i, v in enumerate(variable.values)), "value")
    for i, value in enumerate(variable.values):
        if not value.strip():
            c.add(where + ("values", i), "an empty value", "remove it, or write the value")
    if variable.default and variable.default not in variable.values:
        hint = did_you_mean(variable.default, set(variable.values)) or "pick one of 'values'"
        c.add(where + ("default",), f"default '{variable.default}' is not one of the values", hint)


def _check_variable_refs(c: Checker, path: SpecPath, text: str, known: set[str], where: str,
                         sources: frozenset[str] = frozenset()) -> None:
    for name in sorted(set(VARIABLE_REF.findall(text))):
        if name in sources:
            c.add(path, f"'${name}' is the data source variable: it picks where panels query, not a value in PromQL",
                  "remove it from the query; every panel reads it already")
        elif name not in known and name not in BUILTIN_VARIABLES:
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


def _check_panel(c: Checker, path: SpecPath, panel: Panel, variables: set[str], sources: frozenset[str]) -> None:
    for qi, query in enumerate(panel.queries):
        c.expression(path + ("queries", qi, "expr"), query.expr, grafana=True)
        _check_variable_refs(c, path + ("queries", qi, "expr"), query.expr, variables, "a variable", sources)
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
