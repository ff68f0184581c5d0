"""Alertmanager routing for the Prometheus Operator: an AlertmanagerConfig, or a config Secret.

Either way credentials stay out of the manifests: the AlertmanagerConfig names keys of the receivers
Secret (`secretKeyRef`); the Secret form's alertmanager.yaml reads them from the files the Operator mounts
when the Alertmanager object lists that Secret under `spec.secrets`. The user creates the receivers Secret.

The Operator adds a `namespace="<its namespace>"` matcher to the top route of every AlertmanagerConfig, so
that form only routes alerts carrying that namespace label; the Secret form routes every alert.
"""

from __future__ import annotations

from typing import Any

from stackgen.model import Receiver, Route, Spec
from stackgen.render.alertmanager import (
    SLACK_DEFAULTS,  # one copy of the defaults
    render_alertmanager_config,
)
from stackgen.render.kubernetes import (
    embedded_file,
    manifest,
    metadata,
    object_name,
    receivers_secret,
    secret_key,
    settings_of,
)
from stackgen.spec.matchers import parse_matchers
from stackgen.targets.base import Target

ALERTMANAGER_CONFIG_API = "monitoring.coreos.com/v1alpha1"
SECRET_FORM_KEY = "alertmanager.yaml"  # the key the Operator reads from an Alertmanager config Secret

# Spec receiver field -> AlertmanagerConfig field, per kind; `*_file` fields become secretKeyRefs.
_FIELDS = {
    "slack": {"api_url_file": "apiURL", "channel": "channel", "title": "title", "text": "text",
              "send_resolved": "sendResolved"},
    "email": {"to": "to", "from": "from", "smarthost": "smarthost", "auth_username": "authUsername",
              "auth_password_file": "authPassword", "require_tls": "requireTLS", "send_resolved": "sendResolved"},
    "pagerduty": {"routing_key_file": "routingKey", "severity": "severity", "send_resolved": "sendResolved"},
    "webhook": {"url": "url", "send_resolved": "sendResolved", "max_alerts": "maxAlerts"},
}
_CONFIGS = {"slack": "slackConfigs", "email": "emailConfigs", "pagerduty": "pagerdutyConfigs",
            "webhook": "webhookConfigs"}


def matchers(texts: tuple[str, ...]) -> list[dict]:
    """Spec matchers (one string may hold several) as AlertmanagerConfig matchers, parsed as Alertmanager does."""
    return [{"name": m.name, "matchType": m.op, "value": m.value} for text in texts for m in parse_matchers(text)]


def _receiver(spec: Spec, receiver: Receiver) -> dict:
    if receiver.kind == "null":
        return {"name": receiver.name}
    config = {**SLACK_DEFAULTS, **receiver.config} if receiver.kind == "slack" else receiver.config
    out: dict[str, Any] = {}
    for key, value in sorted(config.items()):
        field_name = _FIELDS[receiver.kind][key]
        if key.endswith("_file"):
            out[field_name] = {"name": receivers_secret(spec), "key": secret_key(value)}
        else:
            out[field_name] = value
    return {"name": receiver.name, _CONFIGS[receiver.kind]: [dict(sorted(out.items()))]}


def _route(route: Route) -> dict:
    out: dict[str, Any] = {"receiver": route.receiver}
    if route.matchers:
        out["matchers"] = matchers(route.matchers)
    for key, field_name in (("group_by", "groupBy"), ("group_wait", "groupWait"), ("group_interval", "groupInterval"),
                            ("repeat_interval", "repeatInterval")):
        value = getattr(route, key)
        if value is not None:
            out[field_name] = list(value) if key == "group_by" else value
    if route.continue_:
        out["continue"] = True
    if route.routes:
        out["routes"] = [_route(r) for r in route.routes]
    return out


def render_alertmanager_config_object(spec: Spec) -> dict:
    """The AlertmanagerConfig (monitoring.coreos.com/v1alpha1) equivalent to alertmanager/config.yml."""
    routing = spec.routing
    body: dict[str, Any]
    if routing is None:  # nothing to route: a config that drops everything, as the other targets render
        body = {"route": {"receiver": "null"}, "receivers": [{"name": "null"}]}
    else:
        route: dict[str, Any] = {"receiver": routing.receiver, "groupBy": list(routing.group_by),
                                 "groupWait": routing.group_wait, "groupInterval": routing.group_interval,
                                 "repeatInterval": routing.repeat_interval}
        if routing.routes:
            route["routes"] = [_route(r) for r in routing.routes]
        body = {"route": route, "receivers": [_receiver(spec, r) for r in routing.receivers]}
        if routing.inhibit_rules:
            body["inhibitRules"] = [{"sourceMatch": matchers(rule.source_matchers),
                                     "targetMatch": matchers(rule.target_matchers),
                                     **({"equal": list(rule.equal)} if rule.equal else {})}
                                    for rule in routing.inhibit_rules]
    return manifest(ALERTMANAGER_CONFIG_API, "AlertmanagerConfig", metadata(spec, object_name(spec.name)), spec=body)


def alertmanager_secret_name(spec: Spec) -> str:
    """The config Secret the Alertmanager object names in `configSecret`."""
    return object_name("alertmanager", spec.name)


def render_alertmanager_secret(spec: Spec, target: Target) -> dict:
    """The whole alertmanager.yaml in a Secret; its credentials are file paths into the mounted receivers Secret."""
    config = embedded_file(render_alertmanager_config(spec, target))
    return manifest("v1", "Secret", metadata(spec, alertmanager_secret_name(spec)), type="Opaque",
                    stringData={SECRET_FORM_KEY: config})


def render_alerting(spec: Spec, target: Target) -> dict:
    """The routing object the spec chooses (settings.kubernetes.alertmanager)."""
    if settings_of(spec).alertmanager == "Secret":
        return render_alertmanager_secret(spec, target)
    return render_alertmanager_config_object(spec)
