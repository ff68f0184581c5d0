"""The JSON Schema of spec format v1. `stackgen schema` prints it for editors.

Built as data so shared shapes (durations, names, label maps) are written once.
"""

from __future__ import annotations

API_VERSION = "stackgen/v1"

DURATION = {"type": "string", "pattern": r"^(?=[0-9])([0-9]+y)?([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?([0-9]+ms)?$",
            "description": "Prometheus duration, e.g. 30s, 5m, 1h30m"}
NAME = {"type": "string", "pattern": r"^[a-z][a-z0-9_-]*$", "maxLength": 63,
        "description": "a lowercase name: a-z, 0-9, _ and -, starting with a letter"}
METRIC_NAME = {"type": "string", "pattern": r"^[a-zA-Z_:][a-zA-Z0-9_:]*$", "maxLength": 200,
               "description": "a Prometheus metric name: letters, digits, _ and :, not starting with a digit"}
LABEL_NAME = {"type": "string", "pattern": r"^[a-zA-Z_][a-zA-Z0-9_]*$", "maxLength": 100,
              "description": "a Prometheus label name: letters, digits and _, not starting with a digit"}
TEXT = {"type": "string", "maxLength": 4000}
LABEL_MAP = {"type": "object", "propertyNames": LABEL_NAME, "additionalProperties": TEXT}
STRING_MAP = {"type": "object", "additionalProperties": TEXT}
PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
URL_PATH = {"type": "string", "pattern": r"^/[^\s]*$", "maxLength": 500}
MATCHERS = {"type": "array", "items": {"type": "string", "maxLength": 500}}
SEVERITY = {"enum": ["critical", "warning", "info"]}


def _obj(properties: dict, required: tuple = (), **extra) -> dict:
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False, **extra}


def _list(item: dict, **extra) -> dict:
    return {"type": "array", "items": item, **extra}


SERVICE = _obj({
    "name": NAME, "title": TEXT, "description": TEXT, "port": PORT,
    "metrics_path": URL_PATH, "scheme": {"enum": ["http", "https"]},
    "health": _obj({"basic": URL_PATH, "live": URL_PATH, "ready": URL_PATH}),
    "labels": LABEL_MAP, "scrape_interval": DURATION,
    "image": TEXT, "command": _list(TEXT),
}, ("name", "port"))

EXPORTER = _obj({"kind": {"enum": ["node"]}, "name": NAME, "port": PORT, "image": TEXT}, ("kind",))

METRIC = _obj({
    "name": METRIC_NAME, "type": {"enum": ["counter", "gauge", "histogram", "summary"]},
    "help": TEXT, "labels": _list(LABEL_NAME, uniqueItems=True),
    "buckets": _list({"type": "number"}, minItems=1), "group": NAME, "unit": TEXT,
    "reference_name": METRIC_NAME, "service": NAME,
}, ("name", "type", "help"))

THRESHOLD = {"oneOf": [
    {"type": "number"},
    _obj({"value": {"type": "number"}, "unit": TEXT, "description": TEXT}, ("value",)),
]}

RECORDING_RULE = _obj({"record": METRIC_NAME, "expr": TEXT, "labels": LABEL_MAP, "description": TEXT},
                      ("record", "expr"))

ALERT_TEST = _obj({
    "name": TEXT, "series": {"type": "object", "additionalProperties": TEXT, "minProperties": 1},
    "at": DURATION, "fires": {"type": "boolean"}, "labels": LABEL_MAP, "annotations": STRING_MAP,
    "interval": DURATION,
    "value": {"type": "number", "description": "the alert's $value at 'at', for annotations that print it"},
}, ("series", "at", "fires"))

ALERT = _obj({
    "name": {"type": "string", "pattern": r"^[A-Za-z][A-Za-z0-9_]*$", "maxLength": 100,
             "description": "an alert name: letters, digits and _, starting with a letter (CamelCase)"},
    "expr": TEXT, "for": DURATION, "severity": SEVERITY, "service": NAME,
    "summary": TEXT, "description": TEXT, "runbook_url": TEXT, "threshold": NAME,
    "labels": LABEL_MAP, "annotations": STRING_MAP, "tests": _list(ALERT_TEST),
    "runbook": _obj({"meaning": TEXT, "causes": _list(TEXT), "steps": _list(TEXT)}),
}, ("name", "expr", "severity", "summary"))

ALERT_GROUP = _obj({"name": NAME, "title": TEXT, "interval": DURATION, "alerts": _list(ALERT, minItems=1)},
                   ("name", "alerts"))

RECEIVER = _obj({
    "name": NAME,
    "slack": _obj({"api_url_file": TEXT, "api_url": TEXT, "channel": TEXT, "title": TEXT, "text": TEXT,
                   "send_resolved": {"type": "boolean"}}, ("channel",)),
    "email": _obj({"to": TEXT, "from": TEXT, "smarthost": TEXT, "auth_username": TEXT,
                   "auth_password_file": TEXT, "auth_password": TEXT, "require_tls": {"type": "boolean"},
                   "send_resolved": {"type": "boolean"}}, ("to",)),
    "pagerduty": _obj({"routing_key_file": TEXT, "routing_key": TEXT, "severity": TEXT,
                       "send_resolved": {"type": "boolean"}}),
    "webhook": _obj({"url": TEXT, "send_resolved": {"type": "boolean"}, "max_alerts": {"type": "integer"}},
                    ("url",)),
}, ("name",))

ROUTE = _obj({
    "matchers": MATCHERS, "receiver": NAME, "receivers": _list(NAME, minItems=1),
    "continue": {"type": "boolean"}, "group_by": _list(TEXT), "group_wait": DURATION,
    "group_interval": DURATION, "repeat_interval": DURATION, "routes": {"$ref": "#/$defs/route"},
})
ROUTE_LIST = _list({"$ref": "#/$defs/route_item"})

ROUTING = _obj({
    "receiver": NAME, "group_by": _list(TEXT), "group_wait": DURATION, "group_interval": DURATION,
    "repeat_interval": DURATION, "receivers": _list(RECEIVER, minItems=1), "routes": ROUTE_LIST,
    "inhibit_rules": _list(_obj({"source_matchers": MATCHERS, "target_matchers": MATCHERS,
                                 "equal": _list(LABEL_NAME), "description": TEXT},
                                ("source_matchers", "target_matchers"))),
    "tests": _list(_obj({"labels": LABEL_MAP, "receivers": _list(NAME, minItems=1), "description": TEXT},
                        ("labels", "receivers"))),
}, ("receiver", "receivers"))

GRAFANA_UNIT = {"type": "string", "maxLength": 100,
                "description": "a Grafana unit id (s, ms, bytes, percentunit, reqps, short...) or suffix:<text>"}

PANEL = _obj({
    "title": TEXT, "type": {"enum": ["timeseries", "stat", "gauge", "heatmap", "table", "bargauge"]},
    "description": TEXT, "unit": GRAFANA_UNIT, "width": {"type": "integer", "minimum": 1, "maximum": 24},
    "height": {"type": "integer", "minimum": 2, "maximum": 40}, "decimals": {"type": "integer"},
    "min": {"type": "number"}, "max": {"type": "number"}, "stack": {"type": "boolean"},
    "queries": _list(_obj({"expr": TEXT, "legend": TEXT, "instant": {"type": "boolean"},
                           "format": {"enum": ["time_series", "heatmap", "table"]}}, ("expr",)), minItems=1),
    # A step without a value is the base colour (first only); a name is a spec threshold.
    "thresholds": _list(_obj({"value": {"oneOf": [{"type": "number"}, NAME]}, "color": TEXT}, ("color",))),
}, ("title", "type", "queries"))

DASHBOARD = _obj({
    "uid": {"type": "string", "pattern": r"^[a-zA-Z0-9_-]{1,40}$"}, "title": TEXT, "description": TEXT,
    "tags": _list(TEXT), "refresh": DURATION, "time": _obj({"from": TEXT, "to": TEXT}),
    "variables": _list(_obj({"name": LABEL_NAME, "label": TEXT, "query": TEXT, "multi": {"type": "boolean"},
                             "include_all": {"type": "boolean"}}, ("name", "query"))),
    "rows": _list(_obj({"title": TEXT, "collapsed": {"type": "boolean"}, "panels": _list(PANEL, minItems=1)},
                       ("panels",)), minItems=1),
}, ("uid", "title", "rows"))

STACK = _obj({
    "bind_address": {"type": "string", "maxLength": 64},
    "ports": _obj({"prometheus": PORT, "alertmanager": PORT, "grafana": PORT, "webhook": PORT}),
    "images": _obj({"prometheus": TEXT, "alertmanager": TEXT, "grafana": TEXT, "node_exporter": TEXT}),
})

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://stackgen.dev/schema/v1.json",
    "title": "stackgen spec v1",
    "description": "One declarative spec of what a system exposes and what should wake someone up.",
    "type": "object",
    "additionalProperties": False,
    "required": ["apiVersion", "system", "services", "metrics"],
    "$defs": {
        "route": ROUTE_LIST,
        "route_item": ROUTE,
    },
    "properties": {
        "apiVersion": {"const": API_VERSION},
        "system": _obj({"name": NAME, "title": TEXT, "description": TEXT}, ("name",)),
        "settings": _obj({"scrape_interval": DURATION, "evaluation_interval": DURATION,
                          "scrape_timeout": DURATION,
                          "retention": _obj({"time": DURATION, "size": {
                              "type": "string", "pattern": r"^[0-9]+(B|KB|MB|GB|TB|PB)$",
                              "description": "a size with a unit B, KB, MB, GB, TB or PB, e.g. 50GB"}}),
                          "external_labels": LABEL_MAP,
                          "runbook_base_url": {"type": "string", "pattern": r"^https?://\S+$",
                                               "description": "where the rendered MONITORING.md is published"}}),
        "services": _list(SERVICE, minItems=1),
        "exporters": _list(EXPORTER),
        "metrics": _list(METRIC, minItems=1),
        "thresholds": {"type": "object", "propertyNames": NAME, "additionalProperties": THRESHOLD},
        "recording_rules": _list(RECORDING_RULE),
        "alert_groups": _list(ALERT_GROUP),
        "routing": ROUTING,
        "dashboards": _list(DASHBOARD),
        "stack": STACK,
    },
}
