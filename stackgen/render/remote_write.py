"""Remote write and replica labels: how samples leave Prometheus for Thanos, Mimir, Cortex or VictoriaMetrics.

prometheus.yml's `remote_write` (every target's common config) and the replica label; the Prometheus Operator's
form of the same endpoints is `kubernetes_prometheus`'s, built from the helpers here. Only fields that both
Prometheus 2.42 (the promtool here) and the pinned 3.x read are rendered.
"""

from __future__ import annotations

from typing import Any

from stackgen.model import RemoteWrite, Spec

REMOTE_BACKENDS = {"thanos": "Thanos Receive", "mimir": "Grafana Mimir", "cortex": "Cortex",
                   "victoriametrics": "VictoriaMetrics"}
# The header that carries the tenant; VictoriaMetrics takes it in the URL path instead.
TENANT_HEADERS = {"thanos": "THANOS-TENANT", "mimir": "X-Scope-OrgID", "cortex": "X-Scope-OrgID"}
# The environment variable each replica's Prometheus expands in its replica label (Prometheus 3 always does;
# 2.x with --enable-feature=expand-external-labels).
REPLICA_ENV = "PROMETHEUS_REPLICA"
RELABEL_KEYS = ("source_labels", "separator", "regex", "target_label", "replacement", "action")
QUEUE_KEYS = ("capacity", "min_shards", "max_shards", "max_samples_per_send", "batch_send_deadline",
              "min_backoff", "max_backoff")


def external_labels(spec: Spec) -> dict[str, str]:
    """The spec's external labels, plus the replica label read from the environment when there are replicas."""
    labels = dict(sorted(spec.settings.external_labels.items()))
    if spec.settings.replicas > 1:
        labels[spec.settings.replica_label] = "${" + REPLICA_ENV + "}"
    return labels


def alert_relabel_configs(spec: Spec) -> dict[str, list[dict[str, str]]]:
    """With replicas, the replica label comes off alerts, so Alertmanager merges the replicas' copies into one."""
    if spec.settings.replicas < 2:
        return {}
    return {"alert_relabel_configs": [{"regex": spec.settings.replica_label, "action": "labeldrop"}]}


def tenant_headers(endpoint: RemoteWrite) -> dict[str, str]:
    header = TENANT_HEADERS.get(endpoint.backend)
    return {header: endpoint.tenant} if header and endpoint.tenant else {}


def ordered(mapping: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: mapping[key] for key in keys if key in mapping}


def relabel_steps(spec: Spec, endpoint: RemoteWrite) -> list[dict[str, Any]]:
    """The spec's steps; for VictoriaMetrics behind replicas, the replica label dropped last: it deduplicates
    identical series (-dedup.minScrapeInterval), not series that differ in a label."""
    steps = [ordered(step, RELABEL_KEYS) for step in endpoint.write_relabel_configs]
    if endpoint.backend == "victoriametrics" and spec.settings.replicas > 1:
        steps.append({"regex": spec.settings.replica_label, "action": "labeldrop"})
    return steps


def render_remote_write(spec: Spec) -> list[dict[str, Any]]:
    """prometheus.yml's `remote_write` list; credentials stay in the files the spec names."""
    out = []
    for endpoint in spec.settings.remote_write:
        entry: dict[str, Any] = {"name": endpoint.name, "url": endpoint.url}
        if endpoint.remote_timeout:
            entry["remote_timeout"] = endpoint.remote_timeout
        if headers := tenant_headers(endpoint):
            entry["headers"] = headers
        if endpoint.username is not None:
            entry["basic_auth"] = {"username": endpoint.username, "password_file": endpoint.password_file}
        if endpoint.credentials_file:
            entry["authorization"] = {"type": "Bearer", "credentials_file": endpoint.credentials_file}
        if steps := relabel_steps(spec, endpoint):
            entry["write_relabel_configs"] = steps
        if endpoint.queue_config:
            entry["queue_config"] = ordered(endpoint.queue_config, QUEUE_KEYS)
        out.append(entry)
    return out
