"""The kubernetes target: every object passes the checks a cluster makes; bad names are located errors.

The checks (CRD schemas, Kubernetes schemas, the API server's name rules) live in tests/support/kubernetes.py;
the mutation table proves they refuse what a cluster refuses.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable

import pytest
import yaml
from conftest import EMBEDDED_SPEC, ROOT, SPECS, snapshot
from support.kubernetes import generated_spec, kustomization_problems, object_problems, with_kubernetes_settings

from stackgen.errors import SpecError
from stackgen.model import Spec
from stackgen.pipeline import render_stack
from stackgen.render.kubernetes import KUSTOMIZATION, MANIFESTS_DIR, check_kubernetes_names
from stackgen.render.prometheus import render_prometheus_config
from stackgen.targets.registry import get_target

KUBERNETES = get_target("kubernetes")


def manifests(spec: Spec) -> dict[str, dict]:
    """The rendered objects of `spec` by path, and the kustomization."""
    files = render_stack(spec, KUBERNETES).files
    return {path: yaml.safe_load(data) for path, data in files.items()
            if path.startswith(f"{MANIFESTS_DIR}/") or path == KUSTOMIZATION}


def objects(spec: Spec) -> dict[str, dict]:
    return {path: obj for path, obj in manifests(spec).items() if path != KUSTOMIZATION}


SPEC_IDS = [s.stem for s in SPECS]


@pytest.mark.slow
@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_every_rendered_object_passes_the_crd_and_core_schemas_and_the_name_rules(spec_path):
    rendered = objects(generated_spec(spec_path))
    assert {o["kind"] for o in rendered.values()} >= {"PrometheusRule", "ServiceMonitor", "AlertmanagerConfig",
                                                      "ConfigMap"}
    assert {path: object_problems(obj) for path, obj in rendered.items()} == {path: [] for path in rendered}


@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_the_kustomization_lists_every_manifest_with_the_namespace(spec_path):
    rendered = manifests(generated_spec(spec_path))
    kustomization = rendered.pop(KUSTOMIZATION)
    assert kustomization_problems(kustomization, set(rendered)) == []
    assert kustomization["resources"] == sorted(rendered)
    assert kustomization["namespace"] == "monitoring"
    assert {o["metadata"]["namespace"] for o in rendered.values()} == {"monitoring"}


def _find(kind: str) -> Callable[[dict[str, dict]], dict]:
    return lambda rendered: next(o for o in rendered.values() if o["kind"] == kind)


def _set(obj: dict, path: tuple, value: object) -> None:
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


# (id, kind of the object to mutate, path in it, new value, expected problem)
MUTATIONS = [
    ("a ServiceMonitor whose scrape interval is a number", "ServiceMonitor",
     ("spec", "endpoints", 0, "interval"), 30, "spec.endpoints.0.interval: 30 is not of type 'string'"),
    ("a ServiceMonitor with a scheme the Operator does not know", "ServiceMonitor",
     ("spec", "endpoints", 0, "scheme"), "ftp", "spec.endpoints.0.scheme: 'ftp' is not one of"),
    ("a ServiceMonitor without a selector", "ServiceMonitor", ("spec", "selector"), None,
     "spec.selector: None is not of type 'object'"),
    ("a PrometheusRule whose 'for' is not a duration", "PrometheusRule",
     ("spec", "groups", 0, "rules", 0, "for"), "five minutes", "spec.groups.0.rules.0.for: 'five minutes' does not match"),
    ("a PrometheusRule whose groups are a map", "PrometheusRule", ("spec", "groups"), {"a": 1},
     "spec.groups: {'a': 1} is not of type 'array'"),
    ("an AlertmanagerConfig matcher with an unknown operator", "AlertmanagerConfig",
     ("spec", "inhibitRules", 0, "sourceMatch", 0, "matchType"), "==", "'==' is not one of ['!=', '=', '=~', '!~']"),
    ("an AlertmanagerConfig whose receivers are not a list", "AlertmanagerConfig", ("spec", "receivers"), "all",
     "spec.receivers: 'all' is not of type 'array'"),
    ("a ConfigMap whose data holds a number", "ConfigMap", ("data",), {"x.json": 1},
     "data.x.json: 1 is not of type 'string', 'null'"),
    ("a ConfigMap with a field Kubernetes does not have", "ConfigMap", ("spec",), {},
     "Additional properties are not allowed ('spec' was unexpected)"),
    ("a ServiceMonitor named with an underscore", "ServiceMonitor", ("metadata", "name"), "patronus_dashboard",
     "metadata.name 'patronus_dashboard' is not a DNS-1123 name of at most 63 characters"),
    ("a ConfigMap named with capitals", "ConfigMap", ("metadata", "name"), "Grafana-Dashboard",
     "metadata.name 'Grafana-Dashboard' is not a DNS-1123 name"),
    ("a PrometheusRule name of 64 characters", "PrometheusRule", ("metadata", "name"), "r" * 64,
     f"metadata.name '{'r' * 64}' is not a DNS-1123 name of at most 63 characters"),
    ("a label value with a space", "PrometheusRule", ("metadata", "labels", "release"), "kube prometheus",
     "label release: value 'kube prometheus' is invalid"),
]


@pytest.fixture(scope="module")
def default_objects() -> dict[str, dict]:
    return objects(generated_spec(EMBEDDED_SPEC))


@pytest.mark.parametrize(("kind", "path", "value", "expected"), [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_a_mutated_object_fails_the_checks_a_cluster_makes(default_objects, kind, path, value, expected):
    obj = copy.deepcopy(_find(kind)(default_objects))
    assert object_problems(obj) == []
    _set(obj, path, value)
    problems = object_problems(obj)
    assert any(expected in p for p in problems), problems


def test_a_kustomization_naming_a_missing_file_fails_its_check():
    rendered = manifests(generated_spec(ROOT / "specs" / "taskq.yaml"))
    kustomization = rendered.pop(KUSTOMIZATION)
    kustomization["resources"].append("kubernetes/missing.yaml")
    assert kustomization_problems(kustomization, set(rendered)) == ["resource 'kubernetes/missing.yaml' does not exist"]


def _renamed_service(spec: Spec, name: str) -> Spec:
    return dataclasses.replace(spec, services=(dataclasses.replace(spec.services[0], name=name), *spec.services[1:]))


BAD_NAMES = [
    ("a service name ending in an underscore", lambda s: _renamed_service(s, "api_"),
     "taskq.yaml: services[api_].name: cannot become a Kubernetes object name: 'taskq-api-' is not a DNS-1123 label"),
    ("a service name that makes a monitor name too long", lambda s: _renamed_service(s, "a" * 60),
     f"taskq.yaml: services[{'a' * 60}].name: cannot become a Kubernetes object name: 'taskq-{'a' * 60}' is 66 "
     "characters, more than the 63 Kubernetes allows (shorten this name or the spec name"),
    ("a spec name too long for the receivers Secret", lambda s: dataclasses.replace(s, name="t" * 50),
     f"taskq.yaml: name: cannot become a Kubernetes object name: '{'t' * 50}-alertmanager-receivers' is 73 characters"),
    ("a dashboard uid with a dot", lambda s: dataclasses.replace(s, dashboards=(
        dataclasses.replace(s.dashboards[0], uid="taskq.overview"),)),
     "taskq.yaml: dashboards[taskq.overview].uid: cannot become a Kubernetes object name: "
     "'grafana-dashboard-taskq.overview' is not a DNS-1123 label"),
]


@pytest.mark.parametrize(("change", "expected"), [b[1:] for b in BAD_NAMES], ids=[b[0] for b in BAD_NAMES])
def test_a_name_that_cannot_become_an_object_name_is_a_located_error(change, expected):
    spec = change(generated_spec(ROOT / "specs" / "taskq.yaml"))
    with pytest.raises(SpecError) as caught:
        check_kubernetes_names(spec)
    assert expected in str(caught.value)
    with pytest.raises(SpecError):
        render_stack(spec, KUBERNETES)


def test_generate_refuses_a_spec_whose_name_cannot_be_an_object_name_and_writes_nothing(cli, tmp_path):
    spec = tmp_path / "long.yaml"
    source = (ROOT / "specs" / "taskq.yaml").read_text()
    assert source.count("\n  name: taskq\n") == 1
    spec.write_text(source.replace("\n  name: taskq\n", f"\n  name: {'t' * 50}\n"))
    out = tmp_path / "out"
    result = cli("generate", spec, "--target", "kubernetes", "--out", out)
    assert result.exit_code == 2
    assert f"long.yaml: name: cannot become a Kubernetes object name: '{'t' * 50}-alertmanager-receivers'" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(out) == {}


def test_receiver_credentials_are_secret_key_refs_never_values(default_objects):
    config = _find("AlertmanagerConfig")(default_objects)
    refs = {name: c[field] for r in config["spec"]["receivers"] for name, configs in r.items() if name != "name"
            for c in configs for field in c if isinstance(c[field], dict)}
    assert refs == {
        "pagerdutyConfigs": {"name": "patronus-alertmanager-receivers", "key": "pagerduty_routing_key"},
        "slackConfigs": {"name": "patronus-alertmanager-receivers", "key": "slack_api_url"},
        "emailConfigs": {"name": "patronus-alertmanager-receivers", "key": "smtp_password"},
    }
    assert not any(o["kind"] == "Secret" for o in default_objects.values())


def test_dashboards_and_the_datasource_are_labelled_for_the_grafana_sidecar(default_objects):
    maps = [o for o in default_objects.values() if o["kind"] == "ConfigMap"]
    dashboard = next(m for m in maps if "patronus-overview.json" in m["data"])
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    datasource = next(m for m in maps if "patronus-datasource.yaml" in m["data"])
    assert datasource["metadata"]["labels"]["grafana_datasource"] == "1"
    provisioned = yaml.safe_load(datasource["data"]["patronus-datasource.yaml"])["datasources"][0]
    # kube-prometheus-stack's own datasource "Prometheus" is the default; Grafana refuses two defaults or two names.
    assert (provisioned["name"], provisioned["isDefault"], provisioned["url"]) == \
        ("stackgen Prometheus", False, "http://prometheus-operated.monitoring.svc:9090")


def test_monitors_carry_the_specs_scrape_settings_and_job_names(default_objects):
    monitor = default_objects["kubernetes/servicemonitor-patronus-dashboard.yaml"]
    spec = generated_spec(EMBEDDED_SPEC)
    service = spec.services[0]
    endpoint = monitor["spec"]["endpoints"][0]
    assert monitor["spec"]["selector"] == {"matchLabels": {"app.kubernetes.io/name": service.name}}
    assert (endpoint["path"], endpoint["scheme"], endpoint["port"]) == (service.metrics_path, service.scheme, "metrics")
    assert {"action": "replace", "targetLabel": "job", "replacement": service.name} in endpoint["relabelings"]
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus-stack"


def test_the_target_is_listed_in_the_generate_help(cli):
    result = cli("generate", "--help")
    assert "kubernetes" in result.output


CHOICES = [
    ("PodMonitors and the Secret form", "monitor: PodMonitor\nalertmanager: Secret"),
    ("another namespace, labels and dashboard label",
     "namespace: observability\nlabels: {team: platform}\nselector_labels: {prometheus: main}\n"
     "dashboard_label: dashboards\ndashboard_label_value: stackgen\nport_name: http-metrics"),
]


@pytest.mark.slow
@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
@pytest.mark.parametrize("settings", [c[1] for c in CHOICES], ids=[c[0] for c in CHOICES])
def test_every_choice_in_settings_renders_objects_that_pass_the_checks(spec_path, settings, tmp_path):
    rendered = manifests(generated_spec(with_kubernetes_settings(spec_path, settings, tmp_path)))
    kustomization = rendered.pop(KUSTOMIZATION)
    assert kustomization_problems(kustomization, set(rendered)) == []
    assert {path: object_problems(obj) for path, obj in rendered.items()} == {path: [] for path in rendered}


def test_the_pod_monitor_and_secret_choices_replace_service_monitors_and_the_alertmanager_config(tmp_path):
    spec_path = with_kubernetes_settings(EMBEDDED_SPEC, CHOICES[0][1], tmp_path)
    rendered = objects(generated_spec(spec_path))
    spec = generated_spec(spec_path)
    kinds = sorted(o["kind"] for o in rendered.values())
    assert kinds == sorted(["ConfigMap"] * (len(spec.dashboards) + 1)
                           + ["PodMonitor"] * (len(spec.services) + len(spec.exporters))
                           + ["PrometheusRule"] * 3 + ["Secret"])  # recording, alerts, slos
    secret = next(o for o in rendered.values() if o["kind"] == "Secret")
    assert secret["metadata"]["name"] == "alertmanager-patronus"
    config = yaml.safe_load(secret["stringData"]["alertmanager.yaml"])
    pagerduty = next(r for r in config["receivers"] if r["name"] == "pagerduty")["pagerduty_configs"][0]
    assert pagerduty["routing_key_file"] == "/etc/alertmanager/secrets/patronus-alertmanager-receivers/pagerduty_routing_key"


def test_settings_reach_every_object(tmp_path):
    spec_path = with_kubernetes_settings(ROOT / "specs" / "taskq.yaml", CHOICES[1][1], tmp_path)
    rendered = manifests(generated_spec(spec_path))
    assert rendered[KUSTOMIZATION]["namespace"] == "observability"
    assert rendered[KUSTOMIZATION]["labels"][0]["pairs"]["team"] == "platform"
    for obj in (o for path, o in rendered.items() if path != KUSTOMIZATION):
        assert (obj["metadata"]["namespace"], obj["metadata"]["labels"]["team"]) == ("observability", "platform")
        if obj["kind"] in ("PrometheusRule", "ServiceMonitor"):
            assert obj["metadata"]["labels"]["prometheus"] == "main"
        if obj["kind"] == "ServiceMonitor":
            assert obj["spec"]["endpoints"][0]["port"] == "http-metrics"
    dashboard = rendered["kubernetes/configmap-grafana-dashboard-taskq-overview.yaml"]
    assert dashboard["metadata"]["labels"]["dashboards"] == "stackgen"


BAD_SETTINGS = [
    ("a namespace with capitals", "namespace: Monitoring", "settings.kubernetes.namespace"),
    ("an unknown monitor kind", "monitor: Probe", "settings.kubernetes.monitor"),
    ("a label value with a space", "labels: {team: platform team}", "settings.kubernetes.labels.team"),
    ("a port name too long for Kubernetes", "port_name: metrics-port-of-the-app", "settings.kubernetes.port_name"),
    ("an unknown key", "namespaces: monitoring", "settings.kubernetes.namespaces"),
]


@pytest.mark.parametrize(("settings", "path"), [b[1:] for b in BAD_SETTINGS], ids=[b[0] for b in BAD_SETTINGS])
def test_bad_kubernetes_settings_are_located_errors(settings, path, tmp_path):
    spec_path = with_kubernetes_settings(ROOT / "specs" / "taskq.yaml", settings, tmp_path)
    with pytest.raises(SpecError) as caught:
        generated_spec(spec_path)
    assert f"taskq.yaml:15: {path}:" in str(caught.value)


PROBING = """\
apiVersion: stackgen/v1
system: {name: shop}
settings:
  kubernetes: {monitor: MONITOR}
services: [{name: web, port: 8080, demo: true}]
exporters:
  - {kind: blackbox, scrape_interval: 30s, params: {target: ['https://shop.example.org/health'], module: [http_2xx]}}
  - {kind: node}
alert_groups:
  - name: probes
    alerts:
      - {name: ProbeFails, expr: probe_success == 0, severity: warning, summary: The shop does not answer}
routing:
  receiver: team
  receivers: [{name: team, webhook: {url: "http://hooks.internal/alerts"}}]
"""


@pytest.mark.parametrize(("monitor", "endpoints"), [("ServiceMonitor", "endpoints"),
                                                    ("PodMonitor", "podMetricsEndpoints")])
def test_an_exporter_monitor_scrapes_its_path_with_its_parameters_and_interval_as_prometheus_yml_does(
        monitor, endpoints, tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_text(PROBING.replace("MONITOR", monitor))
    spec = generated_spec(path)
    rendered = objects(spec)
    assert {p: object_problems(obj) for p, obj in rendered.items()} == {p: [] for p in rendered}
    kind = monitor.lower()
    blackbox = rendered[f"kubernetes/{kind}-shop-blackbox-exporter.yaml"]["spec"][endpoints][0]
    node = rendered[f"kubernetes/{kind}-shop-node-exporter.yaml"]["spec"][endpoints][0]
    assert {k: blackbox[k] for k in ("path", "params", "interval")} == {
        "path": "/probe", "params": {"module": ["http_2xx"], "target": ["https://shop.example.org/health"]},
        "interval": "30s"}
    assert (node["path"], "params" in node, "interval" in node) == ("/metrics", False, False)
    jobs = {j["job_name"]: j for j in render_prometheus_config(spec, get_target("compose"))["scrape_configs"]}
    probe = jobs["blackbox-exporter"]
    assert (probe["metrics_path"], probe["params"], probe["scrape_interval"]) == (
        blackbox["path"], blackbox["params"], blackbox["interval"])
