"""What the Prometheus Operator makes of an AlertmanagerConfig: the Alertmanager config amtool can check.

The Operator merges each AlertmanagerConfig into Alertmanager's config as a sub-route of the root, with a
`namespace="<its namespace>"` matcher on it and on its inhibit rules (the default matcher strategy,
`OnNamespace`), receiver names prefixed `<namespace>/<name>/`, and each `secretKeyRef` resolved to the
Secret's value. Here a secret reference becomes a `*_file` path instead, so no value is needed and the
config stays checkable. This mirrors the Operator for the fields stackgen renders, not every field.
"""

from __future__ import annotations

import re
from typing import Any

# AlertmanagerConfig field -> Alertmanager field; a dict value is a secretKeyRef and gets the `_file` form.
_FIELDS = {"apiURL": "api_url", "routingKey": "routing_key", "authPassword": "auth_password",
           "authUsername": "auth_username", "sendResolved": "send_resolved", "requireTLS": "require_tls",
           "maxAlerts": "max_alerts"}
_CONFIGS = {"slackConfigs": "slack_configs", "emailConfigs": "email_configs",
            "pagerdutyConfigs": "pagerduty_configs", "webhookConfigs": "webhook_configs"}
_ROUTE_FIELDS = {"groupBy": "group_by", "groupWait": "group_wait", "groupInterval": "group_interval",
                 "repeatInterval": "repeat_interval", "continue": "continue"}


def _matcher(m: dict) -> str:
    value = m.get("value", "").replace("\\", "\\\\").replace('"', '\\"')
    return f'{m["name"]}{m.get("matchType", "=")}"{value}"'


def _config(config: dict, secrets_dir: str) -> dict:
    out: dict[str, Any] = {}
    for key, value in config.items():
        name = _FIELDS.get(key, re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower())
        if isinstance(value, dict):
            out[f"{name}_file"] = f"{secrets_dir}/{value['name']}/{value['key']}"
        else:
            out[name] = value
    return out


def _route(route: dict, prefix: str) -> dict:
    out: dict[str, Any] = {"receiver": prefix + route["receiver"]}
    if route.get("matchers"):
        out["matchers"] = [_matcher(m) for m in route["matchers"]]
    out.update({_ROUTE_FIELDS[k]: v for k, v in route.items() if k in _ROUTE_FIELDS})
    if route.get("routes"):
        out["routes"] = [_route(r, prefix) for r in route["routes"]]
    return out


def operator_alertmanager_config(obj: dict, secrets_dir: str = "/etc/alertmanager/secrets") -> dict:
    """The Alertmanager config the Operator generates from one AlertmanagerConfig, under a root that drops."""
    namespace, name = obj["metadata"]["namespace"], obj["metadata"]["name"]
    prefix, spec = f"{namespace}/{name}/", obj["spec"]
    scoped = f'namespace="{namespace}"'
    sub = _route(spec["route"], prefix)
    sub["matchers"] = [scoped, *sub.get("matchers", [])]
    sub["continue"] = True
    receivers = [{"name": "null"}]
    for receiver in spec["receivers"]:
        converted: dict[str, Any] = {"name": prefix + receiver["name"]}
        for key, configs in receiver.items():
            if key != "name":
                converted[_CONFIGS[key]] = [_config(c, secrets_dir) for c in configs]
        receivers.append(converted)
    config: dict[str, Any] = {"route": {"receiver": "null", "routes": [sub]}, "receivers": receivers}
    if spec.get("inhibitRules"):
        config["inhibit_rules"] = [{"source_matchers": [scoped, *map(_matcher, r["sourceMatch"])],
                                    "target_matchers": [scoped, *map(_matcher, r["targetMatch"])],
                                    **({"equal": r["equal"]} if r.get("equal") else {})}
                                   for r in spec["inhibitRules"]]
    return config
