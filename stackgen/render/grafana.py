"""Grafana dashboards built from the spec with grafanalib's typed panels, returned as plain JSON data.

grafanalib checks values when objects are built; what it cannot say (modern field defaults with float
min/max, gauge and bar-gauge reduce options, the Grafana 9+ heatmap options) goes in through each panel's
`extraJson`, which grafanalib merges last, so one helper states the unit, range and thresholds of every panel.

Every panel and query reads from the dashboard's data source variable (see grafana_variables). grafanalib's
JSON is brought up to the schema current Grafana reads by grafanalib_current.
"""

from __future__ import annotations

import re
import string

from grafanalib import core as g

from stackgen.model import Dashboard, Panel, PanelThreshold, Query, Variable
from stackgen.render.grafana_layout import Box, layout_rows
from stackgen.render.grafana_variables import datasource_ref, render_variables
from stackgen.render.grafanalib_current import current_dashboard, json_data

# The dashboard schema version of Grafana's published schema (the Foundation SDK the tests check against):
# panels are written in that shape, so Grafana's migrations up to it change nothing.
SCHEMA_VERSION = 41
BASE_STEP = PanelThreshold(None, "green")
COLOURED_BY_THRESHOLDS = ("stat", "gauge", "bargauge")  # one value, coloured by the step it is in
REDUCE_LAST = {"calcs": ["lastNotNull"], "fields": "", "values": False}


def _ref_id(index: int) -> str:
    """A, B, ... Z, AA, AB, ...: Grafana's own naming of a panel's queries."""
    letters = string.ascii_uppercase
    return letters[index] if index < 26 else _ref_id(index // 26 - 1) + letters[index % 26]


def _target(panel: Panel, query: Query, index: int, datasource: dict) -> g.Target:
    legend = query.legend or ("{{le}}" if query.format == "heatmap" else "")
    return g.Target(expr=query.expr, legendFormat=legend, refId=_ref_id(index), instant=query.instant,
                    format=query.format, datasource=datasource, intervalFactor=1)


def _steps(panel: Panel) -> list[dict]:
    return [{"color": t.color, "value": t.value} for t in (panel.thresholds or (BASE_STEP,))]


def _field_defaults(panel: Panel) -> dict:
    """Unit, range, decimals and threshold steps in Grafana's fieldConfig, the same for every panel type."""
    defaults: dict = {"unit": panel.unit, "thresholds": {"mode": "absolute", "steps": _steps(panel)}}
    if panel.type in COLOURED_BY_THRESHOLDS:
        defaults["color"] = {"mode": "thresholds"}
    for key in ("decimals", "min", "max"):
        if getattr(panel, key) is not None:
            defaults[key] = getattr(panel, key)
    return {"fieldConfig": {"defaults": defaults}}


def _timeseries(panel: Panel, common: dict) -> g.Panel:
    # A threshold on a graph is drawn as a line: the alert's threshold, where the alert fires.
    return g.TimeSeries(**common, unit=panel.unit, fillOpacity=10, showPoints="never", tooltipMode="multi",
                        tooltipSort="desc", stacking={"mode": "normal" if panel.stack else "none", "group": "A"},
                        thresholdsStyleMode="line" if panel.thresholds else "off")


def _stat(panel: Panel, common: dict) -> g.Panel:
    return g.Stat(**common, format=panel.unit, decimals=panel.decimals, reduceCalc="lastNotNull",
                  graphMode="area", colorMode="value", thresholds=_steps(panel), noValue="No data")


def _gauge(panel: Panel, common: dict) -> g.Panel:
    panel_json = common.pop("extraJson")
    panel_json["options"] = {"reduceOptions": REDUCE_LAST, "showThresholdMarkers": True,
                             "showThresholdLabels": False, "orientation": "auto"}
    return g.GaugePanel(**common, extraJson=panel_json, format=panel.unit, decimals=panel.decimals,
                        min=panel.min, max=panel.max, calc="lastNotNull", thresholds=_steps(panel))


def _bargauge(panel: Panel, common: dict) -> g.Panel:
    panel_json = common.pop("extraJson")
    panel_json["options"] = {"reduceOptions": REDUCE_LAST, "displayMode": "gradient", "orientation": "horizontal",
                             "showUnfilled": True}
    # grafanalib also writes the Grafana 6 `fieldOptions`; grafanalib_current removes them.
    return g.BarGauge(**common, extraJson=panel_json, format=panel.unit, decimals=panel.decimals,
                      min=panel.min, max=panel.max, calc="lastNotNull", thresholds=_steps(panel),
                      displayMode="gradient")


def _heatmap(panel: Panel, common: dict) -> g.Panel:
    # Prometheus buckets are already counted: show them as they are (calculate: false), upper bound on y.
    y_axis: dict = {"unit": panel.unit, "axisPlacement": "left"}
    if panel.decimals is not None:
        y_axis["decimals"] = panel.decimals
    options = {"calculate": False, "cellGap": 1, "yAxis": y_axis, "rowsFrame": {"layout": "le"},
               "color": {"mode": "scheme", "scheme": "Oranges", "scale": "exponential", "exponent": 0.5, "steps": 64,
                         "fill": "dark-orange"},
               "filterValues": {"le": 1e-9}, "legend": {"show": True},
               "tooltip": {"mode": "single", "yHistogram": False}}
    return g.Heatmap(**common, options=options)


def _table(panel: Panel, common: dict) -> g.Panel:
    merge = [{"id": "merge", "options": {}}] if len(panel.queries) > 1 else []
    common["extraJson"]["fieldConfig"]["defaults"]["custom"] = {"cellOptions": {"type": "auto"}}
    return g.Table(**common, unit=panel.unit, transformations=merge)


BUILDERS = {"timeseries": _timeseries, "stat": _stat, "gauge": _gauge, "bargauge": _bargauge,
            "heatmap": _heatmap, "table": _table}


def _uses(panel: Panel, variable: Variable) -> bool:
    """Whether a query of the panel refers to the variable (`$name`, `${name}` or `${name:format}`)."""
    pattern = re.compile(rf"\$(?:{re.escape(variable.name)}\b|\{{{re.escape(variable.name)}(?::[^}}]*)?\}})")
    return any(pattern.search(q.expr) for q in panel.queries)


def _description(panel: Panel, filters: tuple[Variable, ...]) -> str | None:
    """The spec's description, plus the dashboard filters that do nothing here (e.g. an instance filter on a
    job-level recording rule), so the panel does not seem to answer a selection it ignores."""
    ignored = [f"{v.label or v.name} (${v.name})" for v in filters if not _uses(panel, v)]
    note = f"The {' and '.join(ignored)} filter does not apply to this panel." if ignored else ""
    return " ".join(part for part in (panel.description, note) if part) or None


def build_panel(panel: Panel, box: Box, panel_id: int, datasource: dict, filters: tuple[Variable, ...] = ()) -> g.Panel:
    common = {
        "id": panel_id, "title": panel.title, "description": _description(panel, filters),
        "dataSource": datasource, "gridPos": g.GridPos(h=box.h, w=box.w, x=box.x, y=box.y),
        "targets": [_target(panel, q, i, datasource) for i, q in enumerate(panel.queries)],
        "maxDataPoints": None,  # Grafana sizes it to the panel's width; grafanalib's 100 is too coarse
        "extraJson": _field_defaults(panel),
    }
    return BUILDERS[panel.type](panel, common)


def build_panels(dashboard: Dashboard) -> list[g.Panel]:
    """Row headers and panels with grid positions and unique ids, numbered in reading order."""
    # The variables some panel filters on: only those are worth saying a panel ignores.
    filters = tuple(v for v in dashboard.variables if any(_uses(p, v) for p in dashboard.panels))
    panels: list[g.Panel] = []
    next_id = 1
    for row, placed in zip(dashboard.rows, layout_rows(dashboard.rows)):
        header_id = None
        if placed.header:
            header_id, next_id = next_id, next_id + 1
        inner = []
        for panel, box in zip(row.panels, placed.panels):
            inner.append(build_panel(panel, box, next_id, datasource_ref(dashboard), filters))
            next_id += 1
        if placed.header:
            box = placed.header
            panels.append(g.RowPanel(id=header_id, title=row.title, collapsed=row.collapsed,
                                     gridPos=g.GridPos(h=box.h, w=box.w, x=box.x, y=box.y),
                                     panels=inner if row.collapsed else []))
        if not row.collapsed:  # a collapsed row carries its panels; an open row's follow it
            panels.extend(inner)
    return panels


def build_dashboard(dashboard: Dashboard) -> g.Dashboard:
    return g.Dashboard(
        title=dashboard.title, uid=dashboard.uid, description=dashboard.description, tags=list(dashboard.tags),
        refresh=dashboard.refresh, time=g.Time(dashboard.time_from, dashboard.time_to), timezone="browser",
        panels=build_panels(dashboard), schemaVersion=SCHEMA_VERSION,
        templating=g.Templating(list=render_variables(dashboard)),
        graphTooltip=g.GRAPH_TOOLTIP_MODE_SHARED_CROSSHAIR,
        editable=False,  # provisioned from the spec: a change saved in the UI would be lost at the next generate
    )


def render_dashboard(dashboard: Dashboard) -> dict:
    """One dashboard as JSON-ready data (plain dicts, lists and scalars), for `serialize.dump_json`, in the
    schema current Grafana reads."""
    return current_dashboard(json_data(build_dashboard(dashboard)))
