"""Every Kubernetes manifest of a spec, and the kustomization.yaml that lists them.

`kubectl apply -k <out>` applies the folder: the kustomization sets the namespace and the common labels
(`labels` with `includeSelectors: false`, so the monitors' selectors stay as rendered).
"""

from __future__ import annotations

from stackgen.model import Spec
from stackgen.render.kubernetes import (
    KUSTOMIZATION,
    MANAGED_BY,
    check_kubernetes_names,
    manifest_file,
    receivers_secret,
    secret_files,
    secret_key,
    settings_of,
)
from stackgen.render.kubernetes_alerting import render_alerting
from stackgen.render.kubernetes_grafana import render_dashboard_configmap, render_datasource_configmap
from stackgen.render.kubernetes_monitoring import render_monitors, render_prometheus_rules
from stackgen.render.kubernetes_prometheus import render_prometheus_patch_documents
from stackgen.targets.base import Document, Target

KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"


def render_manifest_objects(spec: Spec, target: Target) -> list[dict]:
    """Every object, checked for valid names first (a located SpecError otherwise)."""
    check_kubernetes_names(spec)
    return [*render_prometheus_rules(spec), *render_monitors(spec), render_alerting(spec, target),
            *(render_dashboard_configmap(spec, d) for d in spec.dashboards), render_datasource_configmap(spec, target)]


def render_kustomization(spec: Spec, files: list[str]) -> dict:
    settings = settings_of(spec)
    labels = {**MANAGED_BY, "app.kubernetes.io/part-of": spec.name, **settings.labels}
    return {"apiVersion": KUSTOMIZE_API, "kind": "Kustomization", "namespace": settings.namespace,
            "labels": [{"pairs": dict(sorted(labels.items())), "includeSelectors": False}],
            "resources": sorted(files)}


def _secret_instructions(spec: Spec) -> str:
    """Comment lines telling the user how to create the receivers Secret the manifests refer to."""
    keys = sorted({secret_key(file) for _, _, file in secret_files(spec)})
    if not keys:
        return ""
    secret = receivers_secret(spec)
    # A folder of files named by key, as the compose stack's secrets/ folder holds them.
    return (f"# Receivers read their credentials from the Secret {secret} (keys: {', '.join(keys)}).\n"
            f"# Create it first from a folder holding one file per key:\n"
            f"#   kubectl -n {settings_of(spec).namespace} create secret generic {secret} --from-file=secrets/\n")


def render_kubernetes_documents(spec: Spec, target: Target) -> tuple[Document, ...]:
    """One document per object, plus the kustomization listing them."""
    objects = render_manifest_objects(spec, target)
    documents = [Document(manifest_file(o["kind"], o["metadata"]["name"]), o, "yaml") for o in objects]
    files = [d.path for d in documents]
    documents.append(Document(KUSTOMIZATION, render_kustomization(spec, files), "yaml",
                              comments=_secret_instructions(spec)))
    return (*documents, *render_prometheus_patch_documents(spec))
