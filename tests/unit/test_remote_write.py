"""Remote write and replicas: prometheus.yml, the compose stack, the guide and the Prometheus Operator patch.

Every example spec gets the same settings block (tests/support/remote.py): one endpoint of each backend and two
replicas. promtool's verdict on the rendered configs is in tests/tools/test_remote_write_tools.py.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from conftest import EMBEDDED_SPEC, SPECS
from support.kubernetes import generated_spec
from support.remote import prometheus_patch_problems, with_remote_write

from stackgen.model import Spec
from stackgen.pipeline import render_stack
from stackgen.render.compose import render_compose
from stackgen.render.kubernetes_prometheus import PROMETHEUS_PATCH
from stackgen.targets.base import Placement
from stackgen.targets.layout import GUIDE, PROMETHEUS_CONFIG

SPEC_IDS = [s.stem for s in SPECS]


@pytest.fixture(scope="module")
def remote_spec(tmp_path_factory: pytest.TempPathFactory) -> Spec:
    return generated_spec(with_remote_write(EMBEDDED_SPEC, tmp_path_factory.mktemp("remote")))


def prometheus_yml(spec: Spec, target: str = "compose") -> dict:
    return yaml.safe_load(render_stack(spec, target).files[PROMETHEUS_CONFIG])


def test_each_backend_gets_its_url_tenant_header_credentials_queue_and_relabelling(remote_spec):
    assert prometheus_yml(remote_spec)["remote_write"] == [
        {"name": "thanos", "url": "https://thanos-receive.example.com:19291/api/v1/receive",
         "headers": {"THANOS-TENANT": "platform"},
         "basic_auth": {"username": "shop", "password_file": "/etc/prometheus/secrets/thanos_password"},
         "write_relabel_configs": [{"source_labels": ["__name__"], "regex": "go_.*", "action": "drop"},
                                   {"regex": "pod_template_hash", "action": "labeldrop"}],
         "queue_config": {"capacity": 5000, "max_shards": 10, "batch_send_deadline": "5s"}},
        {"name": "mimir", "url": "https://mimir.example.com/api/v1/push", "remote_timeout": "10s",
         "headers": {"X-Scope-OrgID": "team-a"},
         "authorization": {"type": "Bearer", "credentials_file": "/etc/prometheus/secrets/mimir_token"}},
        {"name": "cortex", "url": "http://cortex.example.com/api/prom/push"},
        # VictoriaMetrics deduplicates identical series only: the replica label comes off last.
        {"name": "victoria", "url": "http://vminsert.example.com:8480/insert/0/prometheus/api/v1/write",
         "write_relabel_configs": [{"source_labels": ["instance"], "regex": "([^:]+):.*", "target_label": "host",
                                    "action": "replace"},
                                   {"regex": "prometheus_replica", "action": "labeldrop"}]},
    ]


@pytest.mark.parametrize("target", ["compose", "local", "kubernetes"])
def test_two_replicas_carry_the_replica_label_on_series_and_drop_it_from_alerts(remote_spec, target):
    config = prometheus_yml(remote_spec, target)
    assert config["global"]["external_labels"] == {"system": "patronus", "prometheus_replica": "${PROMETHEUS_REPLICA}"}
    assert config["alerting"]["alert_relabel_configs"] == [{"regex": "prometheus_replica", "action": "labeldrop"}]


@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_a_spec_without_remote_write_or_replicas_renders_neither(spec_path):
    spec = generated_spec(spec_path)
    config = prometheus_yml(spec)
    assert "remote_write" not in config and "alert_relabel_configs" not in config["alerting"]
    assert "prometheus_replica" not in config["global"].get("external_labels", {})
    assert PROMETHEUS_PATCH not in render_stack(spec, "kubernetes").files
    assert "Remote storage and replicas" not in render_stack(spec, "compose").files[GUIDE].decode()


def test_compose_mounts_the_remote_write_credentials_and_names_the_replica(remote_spec):
    prometheus = render_compose(remote_spec, Placement())["services"]["prometheus"]
    assert prometheus["environment"] == {"PROMETHEUS_REPLICA": "${PROMETHEUS_REPLICA:-patronus-0}"}
    assert prometheus["secrets"][2:] == [  # after the web config and password
        {"source": "mimir_token", "target": "/etc/prometheus/secrets/mimir_token"},
        {"source": "thanos_password", "target": "/etc/prometheus/secrets/thanos_password"}]
    # The config folder is mounted apart from /etc/prometheus, where Docker could not create the secrets' mount points.
    assert prometheus["volumes"][0] == "./generated/prometheus:/etc/stackgen/prometheus:ro"
    alertmanager = render_compose(remote_spec, Placement())["services"]["alertmanager"]
    assert not {s["source"] for s in alertmanager["secrets"]} & {"mimir_token", "thanos_password"}


def test_the_guide_explains_deduplication_for_each_backend(remote_spec):
    guide = render_stack(remote_spec, "compose").files[GUIDE].decode()
    section = guide[guide.index("### Remote storage and replicas"):guide.index("## Metrics")]
    for expected in ["| `thanos` | Thanos Receive | https://thanos-receive.example.com:19291/api/v1/receive | `platform` |",
                     "--query.replica-label=prometheus_replica", "-distributor.ha-tracker.replica=prometheus_replica",
                     "-dedup.minScrapeInterval=10s", "PROMETHEUS_REPLICA=patronus-1",
                     "drops `prometheus_replica` from alerts"]:
        assert expected in section


def _patch(spec: Spec) -> dict:
    return yaml.safe_load(render_stack(spec, "kubernetes").files[PROMETHEUS_PATCH])


def test_the_operator_patch_carries_replicas_labels_and_endpoints_with_secret_refs(remote_spec):
    spec = _patch(remote_spec)["spec"]
    assert {k: spec[k] for k in ("replicas", "replicaExternalLabelName", "externalLabels")} == {
        "replicas": 2, "replicaExternalLabelName": "prometheus_replica", "externalLabels": {"system": "patronus"}}
    thanos, mimir = spec["remoteWrite"][:2]
    assert thanos["basicAuth"] == {"username": {"name": "patronus-remote-write", "key": "thanos_username"},
                                   "password": {"name": "patronus-remote-write", "key": "thanos_password"}}
    assert thanos["queueConfig"] == {"capacity": 5000, "maxShards": 10, "batchSendDeadline": "5s"}
    assert thanos["writeRelabelConfigs"][0] == {"sourceLabels": ["__name__"], "regex": "go_.*", "action": "drop"}
    assert mimir["authorization"] == {"type": "Bearer",
                                      "credentials": {"name": "patronus-remote-write", "key": "mimir_token"}}
    assert mimir["remoteTimeout"] == "10s"


def test_the_patch_says_how_to_apply_it_and_which_secret_keys_to_create(remote_spec):
    text = render_stack(remote_spec, "kubernetes").files[PROMETHEUS_PATCH].decode()
    assert "kubectl -n monitoring patch prometheus <name> --type merge --patch-file kubernetes/prometheus-patch.yaml" in text
    assert "the Secret patronus-remote-write (keys: mimir_token, thanos_password, thanos_username)" in text
    assert "prometheus.prometheusSpec" in text


def test_the_patch_is_not_applied_by_the_kustomization(remote_spec):
    kustomization = yaml.safe_load(render_stack(remote_spec, "kubernetes").files["kustomization.yaml"])
    assert PROMETHEUS_PATCH not in kustomization["resources"]


@pytest.mark.slow
@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_the_patch_of_every_spec_passes_the_operator_schemas(spec_path: Path, tmp_path):
    assert prometheus_patch_problems(_patch(generated_spec(with_remote_write(spec_path, tmp_path)))) == []


MUTATIONS = [
    ("a bearer credential that is a string, not a secret reference", ("remoteWrite", 1, "authorization", "credentials"),
     "mimir_token", "spec.remoteWrite.1.authorization.credentials: 'mimir_token' is not of type 'object'"),
    ("a relabel step with an action the Operator does not know", ("remoteWrite", 0, "writeRelabelConfigs", 0, "action"),
     "delete", "spec.remoteWrite.0.writeRelabelConfigs.0.action: 'delete' is not one of"),
    ("a queue field in prometheus.yml's spelling", ("remoteWrite", 0, "queueConfig", "max_shards"), 10,
     "spec.remoteWrite.0.queueConfig.max_shards: not a field of the Operator's API"),
    ("replicas as a string", ("replicas",), "2", "spec.replicas: '2' is not a int"),
]


@pytest.mark.parametrize("path, value, expected", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_a_mutated_patch_fails_the_schema_checks(remote_spec, path, value, expected):
    patch = copy.deepcopy(_patch(remote_spec))
    node = patch["spec"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert any(expected in problem for problem in prometheus_patch_problems(patch)), prometheus_patch_problems(patch)
