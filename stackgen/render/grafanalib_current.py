"""Bring grafanalib's dashboard JSON up to the schema current Grafana (12.x) reads, in one place.

grafanalib 0.7 still writes fields of Grafana 5 to 8 beside the current ones: the legacy top-level `rows`,
per-panel `editable` and `error`, the pre-Grafana-9 heatmap's `cards`/`color`/`xAxis`/`yAxis`..., gauge
reduce settings inside `fieldConfig`, the Grafana 6 bar gauge `fieldOptions`, query fields of the Graphite
era, tag variables, and nulls for everything left unset. Grafana migrates or drops all of these on load, so a
provisioned dashboard would differ from what is saved back. The renderer gives the current fields itself
(through each panel's `extraJson`); this module removes what grafanalib adds that Grafana would not keep.

The test suite checks the result against Grafana's own schema (tests/support/grafana_schema.py): a field
that grafanalib starts writing and Grafana does not read fails that check, and belongs in the tables below.
"""

from __future__ import annotations

import json
from typing import Any

DASHBOARD_LEGACY = ("__inputs", "rows", "hideControls", "sharedCrosshair", "style")
TIMEPICKER_LEGACY = ("time_options",)
PANEL_LEGACY = ("editable", "error", "hideTimeOverride")
# A row panel is a header: what it carries besides these (queries, field config) Grafana drops.
ROW_FIELDS = ("type", "id", "title", "collapsed", "gridPos", "panels")
TARGET_LEGACY = ("metric", "query", "step", "target")  # the Prometheus query is `expr`
# Per panel type: top-level fields of its pre-Grafana-9 form, now under `options` or `fieldConfig`.
PANEL_TYPE_LEGACY = {
    "heatmap": ("cards", "color", "dataFormat", "heatmap", "hideZeroBuckets", "highlightCards", "legend",
                "reverseYBuckets", "tooltip", "xAxis", "xBucketNumber", "xBucketSize", "yAxis", "yBucketBound",
                "yBucketNumber", "yBucketSize"),
    "table": ("color", "columns", "fontSize", "mappings", "styles"),
}
OPTIONS_LEGACY = {"bargauge": ("fieldOptions", "showThresholdLabels", "showThresholdMarkers")}
# The Grafana 6 reduce settings grafanalib leaves in field defaults; they are `options.reduceOptions` now.
FIELD_DEFAULTS_LEGACY = ("calcs", "values", "override", "limit", "title")
FIELD_CONFIG_LEGACY = ("showThresholdLabels", "showThresholdMarkers")
FIELD_CUSTOM_LEGACY = {"table": ("displayMode",)}  # a table cell's look is `cellOptions` since Grafana 10.1
VARIABLE_LEGACY = ("useTags", "tagsQuery", "tagValuesQuery")
INTERVAL_ONLY = ("auto", "auto_count", "auto_min")  # grafanalib writes them on every variable


class _NotPlain(Exception):
    """A value json would convert its own way (a non-string key, a subclass of str or int): json converts it."""


def json_data(obj: Any) -> Any:
    """grafanalib objects as plain data: what `json.loads(json.dumps(obj, cls=grafanalib's DashboardEncoder))`
    reads back, without writing and reading the text (a large spec's dashboards are megabytes of it)."""
    try:
        return _plain(obj)
    except (_NotPlain, RecursionError):
        return json.loads(json.dumps(obj, default=_encode))


def _encode(obj: Any) -> Any:
    """grafanalib's DashboardEncoder.default, without importing grafanalib._gen (argparse and all) for it."""
    if getattr(obj, "to_json_data", None):
        return obj.to_json_data()
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out[key] = _plain(item)
        return out
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if getattr(value, "to_json_data", None):
        return _plain(value.to_json_data())
    raise _NotPlain


def current_dashboard(dashboard: dict) -> dict:
    """`dashboard` (grafanalib's JSON data) without the fields current Grafana migrates or drops."""
    trimmed = _without(dashboard, DASHBOARD_LEGACY)
    if "timepicker" in trimmed:
        trimmed["timepicker"] = _without(trimmed["timepicker"], TIMEPICKER_LEGACY)
    trimmed["panels"] = [_current_panel(p) for p in trimmed.get("panels", [])]
    templating = trimmed.get("templating", {})
    trimmed["templating"] = {**templating, "list": [_current_variable(v) for v in templating.get("list", [])]}
    return _without_nulls(trimmed)


def _current_panel(panel: dict) -> dict:
    if panel.get("type") == "row":
        row = {k: v for k, v in panel.items() if k in ROW_FIELDS}
        row["panels"] = [_current_panel(p) for p in row.get("panels", [])]
        return row
    kind = panel.get("type", "")
    trimmed = _without(panel, PANEL_LEGACY + PANEL_TYPE_LEGACY.get(kind, ()))
    trimmed["targets"] = [_without(t, TARGET_LEGACY) for t in trimmed.get("targets", [])]
    if "options" in trimmed:
        trimmed["options"] = _without(trimmed["options"], OPTIONS_LEGACY.get(kind, ()))
    if "fieldConfig" in trimmed:
        field_config = _without(trimmed["fieldConfig"], FIELD_CONFIG_LEGACY)
        defaults = _without(field_config.get("defaults", {}), FIELD_DEFAULTS_LEGACY)
        if "custom" in defaults:
            defaults["custom"] = _without(defaults["custom"], FIELD_CUSTOM_LEGACY.get(kind, ()))
        field_config["defaults"] = defaults
        trimmed["fieldConfig"] = field_config
    return trimmed


def _current_variable(variable: dict) -> dict:
    trimmed = _without(variable, VARIABLE_LEGACY + (() if variable.get("type") == "interval" else INTERVAL_ONLY))
    if isinstance(trimmed.get("current"), dict):
        trimmed["current"] = _without(trimmed["current"], ("tags",))
    return trimmed


def _without(data: dict, keys: tuple[str, ...]) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


def _without_nulls(data: Any, in_steps: bool = False) -> Any:
    """Unset fields left out rather than null: Grafana's schema types them, and null is none of its types.
    The one null Grafana reads is a threshold step's value (the base step, from minus infinity)."""
    if isinstance(data, dict):
        return {k: _without_nulls(v, k == "steps") for k, v in data.items()
                if v is not None or (in_steps and k == "value")}
    if isinstance(data, list):
        return [_without_nulls(v, in_steps) for v in data]
    return data
