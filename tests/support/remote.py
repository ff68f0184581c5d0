"""Specs with remote write and replicas: any example spec, with one endpoint of each backend and two replicas.

The examples in specs/ keep a single Prometheus without remote storage (their live runs write nowhere); the
tests that check remote write take any of them and add this block to its settings.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema

from support.kubernetes import crd_schemas

REMOTE_SETTINGS = """\
replicas: 2
remote_write:
  - name: thanos
    backend: thanos
    url: https://thanos-receive.example.com:19291/api/v1/receive
    tenant: platform
    basic_auth: {username: shop, password_file: /etc/prometheus/secrets/thanos_password}
    queue_config: {capacity: 5000, max_shards: 10, batch_send_deadline: 5s}
    write_relabel_configs:
      - {action: drop, source_labels: [__name__], regex: "go_.*"}
      - {action: labeldrop, regex: pod_template_hash}
  - name: mimir
    backend: mimir
    url: https://mimir.example.com/api/v1/push
    tenant: team-a
    remote_timeout: 10s
    authorization: {credentials_file: /etc/prometheus/secrets/mimir_token}
  - name: cortex
    backend: cortex
    url: http://cortex.example.com/api/prom/push
  - name: victoria
    backend: victoriametrics
    url: http://vminsert.example.com:8480/insert/0/prometheus/api/v1/write
    write_relabel_configs:
      - {action: replace, source_labels: [instance], regex: "([^:]+):.*", target_label: host}
"""


def with_settings(spec_path: Path, block: str, folder: Path) -> Path:
    """A copy of the spec at `spec_path` in `folder` with the YAML `block` added to its settings."""
    source = spec_path.read_text(encoding="utf-8")
    assert source.count("\nsettings:\n") == 1, f"{spec_path.name} has no top-level settings block"
    indented = "".join(f"  {line}\n" for line in block.strip().splitlines())
    path = folder / spec_path.name
    path.write_text(source.replace("\nsettings:\n", f"\nsettings:\n{indented}", 1), encoding="utf-8")
    return path


def with_remote_write(spec_path: Path, folder: Path) -> Path:
    return with_settings(spec_path, REMOTE_SETTINGS, folder)


# The Operator's RemoteWriteSpec fields stackgen renders (Prometheus Operator 0.93 API reference,
# monitoring.coreos.com/v1 RemoteWriteSpec and QueueConfig). The Prometheus CRD is not among the fixtures, so the
# fields it shares with ServiceMonitor endpoints (the same Go types) are checked against that CRD's schemas, and
# the rest by name and type here.
REMOTE_WRITE_FIELDS = {"name": str, "url": str, "remoteTimeout": str, "headers": dict, "basicAuth": dict,
                       "authorization": dict, "writeRelabelConfigs": list, "queueConfig": dict}
QUEUE_FIELDS = {"capacity": int, "minShards": int, "maxShards": int, "maxSamplesPerSend": int,
                "batchSendDeadline": str, "minBackoff": str, "maxBackoff": str}
PATCH_FIELDS = {"replicas": int, "replicaExternalLabelName": str, "externalLabels": dict, "remoteWrite": list}


def _typed(mapping: dict, fields: dict[str, type], where: str) -> list[str]:
    return [f"{where}.{key}: not a field of the Operator's API" if key not in fields
            else f"{where}.{key}: {value!r} is not a {fields[key].__name__}"
            for key, value in mapping.items() if key not in fields or not isinstance(value, fields[key])]


def prometheus_patch_problems(patch: dict) -> list[str]:
    """What the Operator's Prometheus CRD would refuse in the rendered merge patch."""
    endpoint = crd_schemas()[("monitoring.coreos.com/v1", "ServiceMonitor")]["properties"]["spec"]["properties"][
        "endpoints"]["items"]["properties"]
    shared = {"basicAuth": endpoint["basicAuth"], "authorization": endpoint["authorization"]}
    spec = patch.get("spec", {})
    problems = _typed(spec, PATCH_FIELDS, "spec")
    for i, entry in enumerate(spec.get("remoteWrite", [])):
        where = f"spec.remoteWrite.{i}"
        problems += _typed(entry, REMOTE_WRITE_FIELDS, where)
        problems += _typed(entry.get("queueConfig", {}), QUEUE_FIELDS, f"{where}.queueConfig")
        checks = [(key, entry[key], schema) for key, schema in shared.items() if key in entry]
        checks += [(f"writeRelabelConfigs.{j}", step, endpoint["metricRelabelings"]["items"])
                   for j, step in enumerate(entry.get("writeRelabelConfigs", []))]
        for key, value, schema in checks:
            problems += [f"{where}.{key}.{'.'.join(map(str, e.absolute_path))}: {e.message}"
                         for e in jsonschema.Draft7Validator(schema).iter_errors(value)]
    return problems
