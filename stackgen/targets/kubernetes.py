"""The Kubernetes target: manifests for the Prometheus Operator and Grafana's sidecar, applied with kustomize.

Prometheus, Alertmanager and Grafana are the Operator's (kube-prometheus-stack); services are reached by
their in-cluster DNS names, and receivers read credentials from the files the Operator mounts from the
receivers Secret. Besides the common configs (whose rules and tests `stackgen test` checks) it writes one
file per object under kubernetes/ and a kustomization.yaml at the root of the output folder.
"""

from __future__ import annotations

from stackgen.frozen import Frozen
from stackgen.model import Exporter, Receiver, Service, Spec
from stackgen.render.kubernetes import mounted_secret, settings_of
from stackgen.targets.base import Document, Placement
from stackgen.targets.names import SUMMARIES

# The Services the Operator creates for the Prometheus and Alertmanager it runs.
OPERATED = {"prometheus": ("prometheus-operated", 9090), "alertmanager": ("alertmanager-operated", 9093)}


class KubernetesTarget(Frozen):
    name: str = "kubernetes"
    summary: str = SUMMARIES["kubernetes"]

    def _dns(self, spec: Spec, host: str, port: int) -> str:
        return f"{host}.{settings_of(spec).namespace}.svc:{port}"

    def component(self, spec: Spec, name: str) -> str:
        host, port = OPERATED.get(name, (name, spec.stack.ports.get(name, 0)))
        return self._dns(spec, host, port)

    def datasource_url(self, spec: Spec) -> str:
        return settings_of(spec).prometheus_url or f"http://{self.component(spec, 'prometheus')}"

    def service(self, service: Service) -> str:
        return f"{service.name}:{service.port}"

    def exporter(self, exporter: Exporter) -> str:
        return f"{exporter.name}:{exporter.port}"

    def web_password_file(self, spec: Spec) -> str | None:
        return None  # the Operator's Prometheus and Alertmanager: their web config is the Operator's to set

    def receiver(self, spec: Spec, receiver: Receiver) -> Receiver:
        config = {key: mounted_secret(spec, value) if key.endswith("_file") else value
                  for key, value in receiver.config.items()}
        return Receiver(receiver.name, receiver.kind, config)

    def own_documents(self, spec: Spec, placement: Placement) -> tuple[Document, ...]:
        # Imported here: the registry loads every target to list them, and `--help` must not build grafanalib.
        from stackgen.render.kubernetes_kustomize import render_kubernetes_documents

        return render_kubernetes_documents(spec, self)


KUBERNETES = KubernetesTarget()
