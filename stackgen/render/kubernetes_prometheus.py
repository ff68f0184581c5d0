"""The Prometheus object's remote write, replicas and external labels, as a patch for the user's Prometheus.

With the Operator, remote write and replicas are fields of the `Prometheus` object, which kube-prometheus-stack
(or the user) owns; stackgen renders no Prometheus object, so applying one would create a second Prometheus. It
renders instead `kubernetes/prometheus-patch.yaml`: a merge patch of that object's `spec` (the same fields go
under `prometheus.prometheusSpec` in kube-prometheus-stack's Helm values). It is not listed in the
kustomization. Credentials are `secretKeyRef`s into one Secret the user creates, never rendered.
"""

from __future__ import annotations

from typing import Any

from stackgen.model import RemoteWrite, Spec
from stackgen.render.kubernetes import MANIFESTS_DIR, object_name, secret_key, settings_of
from stackgen.render.remote_write import QUEUE_KEYS, ordered, relabel_steps, tenant_headers
from stackgen.targets.base import Document

PROMETHEUS_PATCH = f"{MANIFESTS_DIR}/prometheus-patch.yaml"


def remote_write_secret(spec: Spec) -> str:
    """The Secret in the Prometheus object's namespace that holds the remote-write credentials."""
    return object_name(spec.name, "remote-write")


def username_key(endpoint: RemoteWrite) -> str:
    """The Secret key of an endpoint's basic-auth user name: the Operator takes no literal user name."""
    return f"{endpoint.name}_username"


def remote_write_secret_keys(spec: Spec) -> tuple[str, ...]:
    """Every key the remote-write Secret needs, sorted."""
    keys: set[str] = set()
    for endpoint in spec.settings.remote_write:
        if endpoint.username is not None and endpoint.password_file:
            keys.update((username_key(endpoint), secret_key(endpoint.password_file)))
        if endpoint.credentials_file:
            keys.add(secret_key(endpoint.credentials_file))
    return tuple(sorted(keys))


def _ref(spec: Spec, key: str) -> dict[str, str]:
    return {"name": remote_write_secret(spec), "key": key}


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _endpoint(spec: Spec, endpoint: RemoteWrite) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": endpoint.name, "url": endpoint.url}
    if endpoint.remote_timeout:
        entry["remoteTimeout"] = endpoint.remote_timeout
    if headers := tenant_headers(endpoint):
        entry["headers"] = headers
    if endpoint.username is not None and endpoint.password_file:
        entry["basicAuth"] = {"username": _ref(spec, username_key(endpoint)),
                              "password": _ref(spec, secret_key(endpoint.password_file))}
    if endpoint.credentials_file:
        entry["authorization"] = {"type": "Bearer", "credentials": _ref(spec, secret_key(endpoint.credentials_file))}
    if steps := relabel_steps(spec, endpoint):
        entry["writeRelabelConfigs"] = [{_camel(k): v for k, v in step.items()} for step in steps]
    if endpoint.queue_config:
        entry["queueConfig"] = {_camel(k): v for k, v in ordered(endpoint.queue_config, QUEUE_KEYS).items()}
    return entry


def render_prometheus_patch(spec: Spec) -> dict[str, Any]:
    """The merge patch: replicas and the replica label's name (the Operator sets its value to the pod name and
    drops it from alerts), the spec's external labels, and the remote-write endpoints."""
    settings = spec.settings
    patch: dict[str, Any] = {"replicas": settings.replicas, "replicaExternalLabelName": settings.replica_label}
    if settings.external_labels:
        patch["externalLabels"] = dict(sorted(settings.external_labels.items()))
    if settings.remote_write:
        patch["remoteWrite"] = [_endpoint(spec, e) for e in settings.remote_write]
    return {"spec": patch}


def _instructions(spec: Spec) -> str:
    namespace = settings_of(spec).namespace
    lines = ["A merge patch of your Prometheus object (not in kustomization.yaml: it is not stackgen's to create).",
             f"Apply it: kubectl -n {namespace} patch prometheus <name> --type merge "
             f"--patch-file {PROMETHEUS_PATCH}",
             "With kube-prometheus-stack, put its spec under prometheus.prometheusSpec in the Helm values instead."]
    if keys := remote_write_secret_keys(spec):
        lines += [f"Credentials: the Secret {remote_write_secret(spec)} (keys: {', '.join(keys)}), created first:",
                  f"  kubectl -n {namespace} create secret generic {remote_write_secret(spec)} --from-file=secrets/"]
    return "".join(f"# {line}\n" for line in lines)


def render_prometheus_patch_documents(spec: Spec) -> tuple[Document, ...]:
    """The patch, when the spec asks for remote write or replicas; nothing otherwise."""
    if not spec.settings.remote_write and spec.settings.replicas < 2:
        return ()
    return (Document(PROMETHEUS_PATCH, render_prometheus_patch(spec), "yaml", comments=_instructions(spec)),)
