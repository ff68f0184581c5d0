"""Grafana on Kubernetes: dashboards and the datasource as ConfigMaps that Grafana's sidecar loads.

kube-prometheus-stack's Grafana runs a sidecar that watches ConfigMaps with a label (`grafana_dashboard`
for dashboards, `grafana_datasource` for datasources, value "1" by default) and hands their files to
Grafana. The dashboard JSON and datasource YAML are the ones the other targets write, serialised the same way.
"""

from __future__ import annotations

from stackgen.model import Dashboard, Spec
from stackgen.render.grafana import render_dashboard
from stackgen.render.grafana_provisioning import render_datasources
from stackgen.render.kubernetes import dashboard_object, embedded_file, manifest, metadata, object_name, settings_of
from stackgen.targets.base import Target

DATASOURCE_NAME = "stackgen Prometheus"  # the same for every spec, as its uid is: specs sharing a Grafana agree


def render_dashboard_configmap(spec: Spec, dashboard: Dashboard) -> dict:
    settings = settings_of(spec)
    meta = metadata(spec, dashboard_object(dashboard.uid), {settings.dashboard_label: settings.dashboard_label_value})
    return manifest("v1", "ConfigMap", meta,
                    data={f"{dashboard.uid}.json": embedded_file(render_dashboard(dashboard))})


def render_datasource_configmap(spec: Spec, target: Target) -> dict:
    """The stackgen Prometheus datasource (the uid every dashboard refers to), beside the cluster's own.

    kube-prometheus-stack provisions a default datasource named "Prometheus": Grafana refuses two defaults,
    and two datasources of one name, so this one is neither.
    """
    datasources = render_datasources(spec, target)
    datasources["datasources"] = [{**d, "name": DATASOURCE_NAME, "isDefault": False} for d in datasources["datasources"]]
    meta = metadata(spec, object_name(spec.name, "grafana-datasource"), {settings_of(spec).datasource_label: "1"})
    return manifest("v1", "ConfigMap", meta, data={f"{spec.name}-datasource.yaml": embedded_file(datasources)})
