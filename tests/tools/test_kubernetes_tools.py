"""The kubernetes target's manifests through the real tools: promtool on the rule groups of each
PrometheusRule, amtool on the Alertmanager config the Operator would build, kubectl kustomize on the folder.

kubectl is not a Debian package, so the kustomize build runs where kubectl is installed and skips elsewhere;
promtool and amtool are required.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS, require_tool
from support.kubernetes import KubernetesYamlLoader, generated_spec, with_kubernetes_settings
from support.operator import operator_alertmanager_config

from stackgen.pipeline import render_stack, write_scratch
from stackgen.render.kubernetes import KUSTOMIZATION, MANIFESTS_DIR
from stackgen.targets.registry import get_target

SPEC_IDS = [s.stem for s in SPECS]


def run(*command: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=60)


def rendered_objects(spec_path: Path) -> list[dict]:
    files = render_stack(generated_spec(spec_path), get_target("kubernetes")).files
    return [yaml.safe_load(data) for path, data in sorted(files.items()) if path.startswith(f"{MANIFESTS_DIR}/")]


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def promtool_check_rules(rule: dict, folder: Path) -> subprocess.CompletedProcess:
    path = folder / f"{rule['metadata']['name']}.yml"
    path.write_text(yaml.safe_dump(rule["spec"], sort_keys=False))
    return run(require_tool("promtool"), "check", "rules", path.name, cwd=folder)


@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_promtool_accepts_the_rule_groups_of_every_prometheus_rule(spec_path, tmp_path):
    rules = of_kind(rendered_objects(spec_path), "PrometheusRule")
    assert rules
    for rule in rules:
        result = promtool_check_rules(rule, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "SUCCESS" in result.stdout


def test_promtool_refuses_a_prometheus_rule_with_a_broken_expression(tmp_path):
    rule = copy.deepcopy(of_kind(rendered_objects(ROOT / "specs" / "taskq.yaml"), "PrometheusRule")[-1])
    rule["spec"]["groups"][0]["rules"][0]["expr"] = "rate(up[5m]"
    result = promtool_check_rules(rule, tmp_path)
    assert result.returncode != 0
    assert "unclosed left parenthesis" in result.stdout + result.stderr


def amtool_check(config: dict, folder: Path) -> subprocess.CompletedProcess:
    (folder / "alertmanager.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return run(require_tool("amtool"), "check-config", "alertmanager.yaml", cwd=folder)


@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_amtool_accepts_the_config_the_operator_builds_from_the_alertmanager_config(spec_path, tmp_path):
    (obj,) = of_kind(rendered_objects(spec_path), "AlertmanagerConfig")
    config = operator_alertmanager_config(obj)
    result = amtool_check(config, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    routing = generated_spec(spec_path).routing
    assert routing is not None
    assert f" - {len(routing.receivers) + 1} receivers" in result.stdout


def amtool_route(folder: Path, receivers: list[str], labels: dict[str, str]) -> subprocess.CompletedProcess:
    return run(require_tool("amtool"), "config", "routes", "test", "--config.file=alertmanager.yaml",
               f"--verify.receivers={','.join(receivers)}", *(f"{k}={v}" for k, v in labels.items()), cwd=folder)


@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_the_alertmanager_config_routes_the_specs_routing_cases_in_its_namespace_only(spec_path, tmp_path):
    spec = generated_spec(spec_path)
    (obj,) = of_kind(rendered_objects(spec_path), "AlertmanagerConfig")
    amtool_check(operator_alertmanager_config(obj), tmp_path)
    assert spec.routing is not None and spec.routing.tests
    for case in spec.routing.tests:
        receivers = [f"monitoring/{spec.name}/{r}" for r in case.receivers]
        result = amtool_route(tmp_path, receivers, {**case.labels, "namespace": "monitoring"})
        assert result.returncode == 0, f"{case.description}: {result.stdout}{result.stderr}"
        # The Operator's namespace matcher: the same alert without the namespace label reaches nobody.
        result = amtool_route(tmp_path, ["null"], case.labels)
        assert result.returncode == 0, f"{case.description}: {result.stdout}{result.stderr}"


def test_amtool_refuses_an_alertmanager_config_routing_to_a_receiver_it_does_not_define(tmp_path):
    (obj,) = of_kind(rendered_objects(ROOT / "specs" / "taskq.yaml"), "AlertmanagerConfig")
    obj["spec"]["route"]["routes"][0]["receiver"] = "nobody"
    result = amtool_check(operator_alertmanager_config(obj), tmp_path)
    assert result.returncode != 0
    assert 'undefined receiver "monitoring/taskq/nobody"' in result.stdout + result.stderr


@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_kubectl_kustomize_builds_the_output_folder_with_namespace_and_labels(spec_path, tmp_path):
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed (not a Debian package); the kustomization's structure is checked "
                    "in tests/unit/test_kubernetes.py")
    out = write_scratch(render_stack(generated_spec(spec_path), get_target("kubernetes")), tmp_path)
    result = run(kubectl, "kustomize", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    built = list(yaml.load_all(result.stdout, Loader=KubernetesYamlLoader))
    listed = yaml.safe_load((out / KUSTOMIZATION).read_text())["resources"]
    assert len(built) == len(listed)
    spec = generated_spec(spec_path)
    for obj in built:
        assert obj["metadata"]["namespace"] == "monitoring"
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == spec.name
    monitors = [o for o in built if o["kind"] == "ServiceMonitor"]
    assert {tuple(m["spec"]["selector"]["matchLabels"]) for m in monitors} == {("app.kubernetes.io/name",)}


@pytest.mark.parametrize("spec_path", SPECS, ids=SPEC_IDS)
def test_amtool_accepts_the_secret_forms_config_and_it_routes_every_alert(spec_path, tmp_path):
    secret_spec = with_kubernetes_settings(spec_path, "alertmanager: Secret", tmp_path)
    spec = generated_spec(secret_spec)
    (secret,) = of_kind(rendered_objects(secret_spec), "Secret")
    (tmp_path / "alertmanager.yaml").write_text(secret["stringData"]["alertmanager.yaml"])
    result = run(require_tool("amtool"), "check-config", "alertmanager.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert spec.routing is not None
    for case in spec.routing.tests:  # no namespace label needed: the Operator adds no matcher to this form
        result = amtool_route(tmp_path, list(case.receivers), case.labels)
        assert result.returncode == 0, f"{case.description}: {result.stdout}{result.stderr}"
