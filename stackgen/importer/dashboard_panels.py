"""One Grafana panel or template variable as the spec writes it, and what of it the spec cannot carry.

The spec has panels of six types over Prometheus queries with a unit, limits and absolute threshold steps.
Everything else a panel can hold (transformations, overrides, links, a non-Prometheus query...) is named in
the report as left out; a value changed to fit the spec (a legacy `graph` panel, an unknown unit) as changed.
"""

from __future__ import annotations

from typing import Any

from stackgen.importer.report import Report
from stackgen.spec.dashboard_checks import COLOR, CUSTOM_UNIT, GRAFANA_COLORS, GRAFANA_UNITS

SPEC_TYPES = frozenset({"timeseries", "stat", "gauge", "heatmap", "table", "bargauge"})
LEGACY_TYPES = {"graph": "timeseries", "singlestat": "stat"}
NATURAL_FORMAT = {"heatmap": "heatmap", "table": "table"}
FORMATS = frozenset({"time_series", "heatmap", "table"})
# Panel keys the spec has no place for, and what the report calls them.
PANEL_EXTRAS = {"transformations": "transformations", "links": "panel links", "repeat": "repeat by variable",
                "libraryPanel": "library panel link", "alert": "legacy panel alert", "timeFrom": "relative time",
                "timeShift": "time shift", "interval": "min interval", "maxDataPoints": "max data points"}
TARGET_EXTRAS = {"interval": "min step", "intervalFactor": "resolution", "exemplar": "exemplars"}


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    """A list an export should hold; anything else (a number, a string, null) holds nothing to import."""
    return value if isinstance(value, list) else []


def _number(value: Any) -> int | float | None:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def datasource_type(value: Any) -> str:
    """'prometheus' for a Prometheus data source or a variable picking one; else what Grafana calls it."""
    if isinstance(value, dict):
        kind = str(value.get("type") or "prometheus")
        uid = str(value.get("uid") or "")
        return "prometheus" if uid.startswith("$") and kind in ("datasource", "prometheus") else kind
    if value is None or (isinstance(value, str) and (value.startswith("$") or value.lower() == "prometheus")):
        return "prometheus"
    return str(value)


class PanelMapper:
    def __init__(self, report: Report) -> None:
        self.report = report

    def panel(self, raw: dict[str, Any], where: str) -> dict[str, Any] | None:
        title = str(raw.get("title") or "").strip() or f"Panel {raw.get('id', '')}".strip()
        kind = str(raw.get("type") or "")
        name = f"panel '{title}'"
        if kind in LEGACY_TYPES:
            self.report.change(where, f"{name}: legacy '{kind}' panel imported as '{LEGACY_TYPES[kind]}' "
                                      "(the spec renders current panel types)")
            kind = LEGACY_TYPES[kind]
        if kind not in SPEC_TYPES:
            self.report.leave_out(where, f"{name}: panel type '{kind}' (the spec renders "
                                         f"{', '.join(sorted(SPEC_TYPES))})")
            return None
        for key, what in PANEL_EXTRAS.items():
            if raw.get(key):
                self.report.leave_out(where, f"{name}: {what} ({key}: the spec has no place for it)")
        queries = self._queries(raw, kind, where, name)
        if not queries:
            self.report.leave_out(where, f"{name}: no Prometheus query to import")
            return None
        panel: dict[str, Any] = {"title": title, "type": kind}
        if raw.get("description"):
            panel["description"] = str(raw["description"])
        grid = as_dict(raw.get("gridPos"))
        width, height = _number(grid.get("w")), _number(grid.get("h"))
        if width is not None:
            panel["width"] = min(max(int(width), 1), 24)
        if height is not None:
            panel["height"] = min(max(int(height), 2), 40)
        panel.update(self._field_config(raw, where, name))
        panel["queries"] = queries
        return panel

    def _queries(self, raw: dict[str, Any], kind: str, where: str, name: str) -> list[dict[str, Any]]:
        panel_source = datasource_type(raw.get("datasource"))
        queries = []
        for target in as_list(raw.get("targets")):
            if not isinstance(target, dict):
                continue
            ref = f"{name} query {target.get('refId', '?')}"
            source = datasource_type(target["datasource"]) if target.get("datasource") else panel_source
            if source != "prometheus" or not isinstance(target.get("expr"), str) or not target["expr"].strip():
                self.report.leave_out(where, f"{ref}: a '{source}' query (the spec's panels query Prometheus)")
                continue
            if target.get("hide"):
                self.report.leave_out(where, f"{ref}: hidden query (the spec shows every query it has)")
                continue
            query: dict[str, Any] = {"expr": target["expr"]}
            if target.get("legendFormat") and target["legendFormat"] != "__auto":
                query["legend"] = str(target["legendFormat"])
            if target.get("instant") is True:
                query["instant"] = True
            form = target.get("format")
            if isinstance(form, str) and form in FORMATS and form != NATURAL_FORMAT.get(kind, "time_series"):
                query["format"] = form
            for key, what in TARGET_EXTRAS.items():
                if target.get(key):
                    self.report.leave_out(where, f"{ref}: {what} ({key}: the spec has no place for it)")
            queries.append(query)
        return queries

    def _field_config(self, raw: dict[str, Any], where: str, name: str) -> dict[str, Any]:
        config = as_dict(raw.get("fieldConfig"))
        defaults = as_dict(config.get("defaults"))
        found: dict[str, Any] = {}
        legacy_axes = raw.get("yaxes") if isinstance(raw.get("yaxes"), list) else []
        unit = defaults.get("unit") or (as_dict(legacy_axes[0]).get("format") if legacy_axes else None)
        if isinstance(unit, str) and unit:
            if unit in GRAFANA_UNITS or CUSTOM_UNIT.match(unit):
                found["unit"] = unit
            else:
                self.report.change(where, f"{name}: unknown unit '{unit}' imported as 'short' (Grafana does not "
                                          "know it either)")
        decimals = _number(defaults.get("decimals"))
        if decimals is not None:
            found["decimals"] = int(decimals)
        low, high = _number(defaults.get("min")), _number(defaults.get("max"))
        if low is not None and high is not None and low >= high:
            self.report.leave_out(where, f"{name}: min {low} and max {high} (max is not above min)")
        else:
            found.update({k: v for k, v in (("min", low), ("max", high)) if v is not None})
        stacking = as_dict(as_dict(defaults.get("custom")).get("stacking")).get("mode")
        if stacking in ("normal", "percent"):
            found["stack"] = True
            if stacking == "percent":
                self.report.change(where, f"{name}: percent stacking imported as normal stacking")
        steps = self._thresholds(as_dict(defaults.get("thresholds")), where, name)
        if steps:
            found["thresholds"] = steps
        if overrides := as_list(config.get("overrides")):
            self.report.leave_out(where, f"{name}: {len(overrides)} field override(s) (the spec sets "
                                         "one unit and one set of thresholds per panel)")
        if defaults.get("mappings"):
            self.report.leave_out(where, f"{name}: value mappings (the spec has no place for them)")
        if defaults.get("links"):
            self.report.leave_out(where, f"{name}: data links (the spec has no place for them)")
        return found

    def _thresholds(self, thresholds: dict[str, Any], where: str, name: str) -> list[dict[str, Any]]:
        steps = [s for s in as_list(thresholds.get("steps")) if isinstance(s, dict)]
        if not steps:
            return []
        if thresholds.get("mode") == "percentage":
            self.report.leave_out(where, f"{name}: percentage thresholds (the spec's steps are absolute values)")
            return []
        found: list[dict[str, Any]] = []
        previous: float | None = None
        for i, step in enumerate(steps):
            color, value = str(step.get("color") or ""), _number(step.get("value"))
            if color not in GRAFANA_COLORS and not COLOR.match(color):
                self.report.leave_out(where, f"{name}: thresholds (unknown colour '{color}')")
                return []
            if value is None and i:
                self.report.leave_out(where, f"{name}: thresholds (only the first step may lack a value)")
                return []
            if value is not None and previous is not None and value <= previous:
                self.report.leave_out(where, f"{name}: thresholds (the steps do not increase)")
                return []
            previous = value if value is not None else previous
            found.append({"color": color} if value is None else {"value": value, "color": color})
        return found
