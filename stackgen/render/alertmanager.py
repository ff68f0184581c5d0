"""Alertmanager config: the routing tree, inhibition and receivers (secrets only as file paths)."""

from __future__ import annotations

from typing import Any

from stackgen.model import Receiver, Route, Spec
from stackgen.targets.base import Target

_CONFIG_KEY = {"slack": "slack_configs", "email": "email_configs", "pagerduty": "pagerduty_configs",
               "webhook": "webhook_configs"}
SLACK_DEFAULTS = {
    "title": '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] '
             "{{ .CommonLabels.alertname }}",
    "text": "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n"
            "{{ if .Annotations.runbook_url }}Runbook: {{ .Annotations.runbook_url }}\n{{ end }}{{ end }}",
}


def _route(route: Route) -> dict:
    out: dict = {"receiver": route.receiver}
    if route.matchers:
        out["matchers"] = list(route.matchers)
    for key in ("group_by", "group_wait", "group_interval", "repeat_interval"):
        value = getattr(route, key)
        if value is not None:
            out[key] = list(value) if key == "group_by" else value
    for key in ("mute_time_intervals", "active_time_intervals"):
        if getattr(route, key):
            out[key] = list(getattr(route, key))
    if route.continue_:
        out["continue"] = True
    if route.routes:
        out["routes"] = [_route(r) for r in route.routes]
    return out


def _receiver(receiver: Receiver) -> dict:
    if receiver.kind == "null":
        return {"name": receiver.name}
    config = dict(sorted(receiver.config.items()))
    if receiver.kind == "slack":
        config = {**SLACK_DEFAULTS, **config}
    return {"name": receiver.name, _CONFIG_KEY[receiver.kind]: [config]}


def render_alertmanager_config(spec: Spec, target: Target) -> dict:
    routing = spec.routing
    if routing is None:  # no alerts to route: a valid config that drops everything
        return {"route": {"receiver": "null"}, "receivers": [{"name": "null"}]}
    route: dict[str, Any] = {"receiver": routing.receiver, "group_by": list(routing.group_by), "group_wait": routing.group_wait,
             "group_interval": routing.group_interval, "repeat_interval": routing.repeat_interval}
    if routing.routes:
        route["routes"] = [_route(r) for r in routing.routes]
    config: dict = {"route": route}
    if routing.inhibit_rules:
        config["inhibit_rules"] = []
        for rule in routing.inhibit_rules:
            item = {"source_matchers": list(rule.source_matchers), "target_matchers": list(rule.target_matchers)}
            if rule.equal:
                item["equal"] = list(rule.equal)
            config["inhibit_rules"].append(item)
    if routing.time_intervals:
        config["time_intervals"] = [{"name": t.name, "time_intervals": [dict(p) for p in t.periods]}
                                    for t in routing.time_intervals]
    config["receivers"] = [_receiver(target.receiver(spec, r)) for r in routing.receivers]
    return config
