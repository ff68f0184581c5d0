"""Spec v1 `settings.kubernetes`: how `--target kubernetes` renders for the Prometheus Operator.

The defaults fit kube-prometheus-stack installed as the Helm release `kube-prometheus-stack` in the
`monitoring` namespace: its Prometheus selects rules and monitors by the `release` label, and its Grafana
sidecar loads ConfigMaps labelled `grafana_dashboard: "1"` and `grafana_datasource: "1"`.
"""

from typing import Annotated, Literal

from pydantic import Field, Strict, StringConstraints

from stackgen.spec.v1.common import Format, SpecModel

Namespace = Annotated[str, Strict(), StringConstraints(max_length=63, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
                      Format("a Kubernetes namespace: lowercase letters, digits and -, at most 63 characters")]
KubeLabelName = Annotated[str, Strict(), StringConstraints(
    max_length=253, pattern=r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                            r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"),
    Format("a Kubernetes label name, e.g. release or app.kubernetes.io/part-of")]
KubeLabelValue = Annotated[str, Strict(), StringConstraints(
    max_length=63, pattern=r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"),
    Format("a Kubernetes label value: letters, digits, -, _ and ., at most 63 characters")]
PortName = Annotated[str, Strict(), StringConstraints(max_length=15, pattern=r"^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
                     Format("a Kubernetes port name: lowercase letters, digits and -, at most 15 characters")]
KubeLabels = dict[KubeLabelName, KubeLabelValue]
ServiceUrl = Annotated[str, Strict(), StringConstraints(max_length=4000, pattern=r"^https?://\S+$"),
                       Format("an http(s) URL")]


class KubernetesSettings(SpecModel):
    namespace: Namespace = Field(default="monitoring", description="The namespace every object is rendered into.")
    labels: KubeLabels = Field(default_factory=dict, description="Labels added to every object (the kustomization's "
                                                                 "common labels).")
    selector_labels: KubeLabels = Field(
        default_factory=lambda: {"release": "kube-prometheus-stack"},
        description="Labels on PrometheusRules and monitors that the Prometheus object's ruleSelector and "
                    "serviceMonitorSelector (or podMonitorSelector) match. kube-prometheus-stack matches its "
                    "Helm release name.")
    monitor: Literal["ServiceMonitor", "PodMonitor"] = Field(
        default="ServiceMonitor", description="Scrape each service and exporter through its Kubernetes Service "
                                              "(ServiceMonitor) or its Pods directly (PodMonitor).")
    port_name: PortName = Field(default="metrics", description="The name of the Service or container port that "
                                                               "serves metrics.")
    alertmanager: Literal["AlertmanagerConfig", "Secret"] = Field(
        default="AlertmanagerConfig",
        description="Render routing as an AlertmanagerConfig (the Operator scopes it to alerts from this "
                    "namespace) or as the Alertmanager's whole config in a Secret (routes every alert).")
    dashboard_label: KubeLabelName = Field(default="grafana_dashboard",
                                           description="The label Grafana's sidecar finds dashboard ConfigMaps by.")
    dashboard_label_value: KubeLabelValue = Field(default="1", description="The value of the dashboard label.")
    datasource_label: KubeLabelName = Field(default="grafana_datasource",
                                            description="The label Grafana's sidecar finds datasource ConfigMaps by "
                                                        "(its value is \"1\").")
    prometheus_url: ServiceUrl | None = Field(
        default=None, description="Prometheus' URL as Grafana reaches it. Defaults to the Operator's "
                                  "prometheus-operated Service in the namespace.")
