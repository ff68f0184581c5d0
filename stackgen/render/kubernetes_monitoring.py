"""What the Prometheus Operator turns into Prometheus config: PrometheusRules and Service/PodMonitors.

The rule groups are the ones the other targets write to rule files (one renderer decides them); the
monitors carry the spec's scrape settings, and relabel `job` and `service` to the spec's names so the
rules, alerts and dashboards that select `job="<service>"` match whatever the Kubernetes Service is called.
"""

from __future__ import annotations

from typing import Any

from stackgen.model import Exporter, Service, Spec
from stackgen.render.kubernetes import manifest, metadata, object_name, service_object, settings_of
from stackgen.render.rule_files import render_rule_files, rule_file_stem

MONITORING_API = "monitoring.coreos.com/v1"
APP_LABEL = "app.kubernetes.io/name"  # the label the monitors select the user's Services or Pods by


def render_prometheus_rules(spec: Spec) -> list[dict]:
    """One PrometheusRule per rule file that has groups, named after it: recording, alerts, slos."""
    selector = settings_of(spec).selector_labels
    objects = []
    for path, rules in render_rule_files(spec).items():
        if rules["groups"]:
            name = object_name(spec.name, rule_file_stem(path))
            objects.append(manifest(MONITORING_API, "PrometheusRule", metadata(spec, name, selector), spec=rules))
    return objects


def _relabelings(job: str, labels: dict[str, str]) -> list[dict]:
    """The spec's target labels, as prometheus.yml sets them in static_configs for the other targets."""
    return [{"action": "replace", "targetLabel": name, "replacement": value}
            for name, value in {"job": job, **labels}.items()]


def _endpoint(spec: Spec, job: str, labels: dict[str, str], path: str = "/metrics", scheme: str = "http",
              interval: str | None = None, params: dict[str, tuple[str, ...]] | None = None) -> dict:
    endpoint: dict[str, Any] = {"port": settings_of(spec).port_name, "path": path, "scheme": scheme}
    if params:  # a blackbox exporter's module and target, as prometheus.yml's `params` for the other targets
        endpoint["params"] = {name: list(values) for name, values in sorted(params.items())}
    if interval:
        endpoint["interval"] = interval
    endpoint["relabelings"] = _relabelings(job, labels)
    return endpoint


def _monitor(spec: Spec, name: str, endpoint: dict) -> dict:
    settings = settings_of(spec)
    body: dict[str, Any] = {"selector": {"matchLabels": {APP_LABEL: name}}}
    if settings.monitor == "PodMonitor":
        body["podMetricsEndpoints"] = [endpoint]
    else:
        body["endpoints"] = [endpoint]
    return manifest(MONITORING_API, settings.monitor, metadata(spec, service_object(spec, name),
                                                               settings.selector_labels), spec=body)


def render_service_monitor(spec: Spec, service: Service) -> dict:
    labels = {"service": service.name, **dict(sorted(service.labels.items()))}
    return _monitor(spec, service.name, _endpoint(spec, service.name, labels, service.metrics_path, service.scheme,
                                                  service.scrape_interval))


def render_exporter_monitor(spec: Spec, exporter: Exporter) -> dict:
    return _monitor(spec, exporter.name, _endpoint(spec, exporter.name, {}, exporter.metrics_path,
                                                   interval=exporter.scrape_interval, params=exporter.params))


def render_monitors(spec: Spec) -> list[dict]:
    """A ServiceMonitor (or PodMonitor, as the spec chooses) per service and exporter, in spec order."""
    return [*(render_service_monitor(spec, s) for s in spec.services),
            *(render_exporter_monitor(spec, e) for e in spec.exporters)]
