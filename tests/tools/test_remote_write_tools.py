"""Remote write and replicas, judged by promtool and docker-compose, for every example spec and every target.

promtool here is Debian's 2.42; what it cannot vouch for on the pinned Prometheus 3 is listed in the README.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import SPECS, require_tool
from support.remote import with_remote_write

from stackgen.pipeline import load, place, render_stack, write_scratch
from stackgen.targets.layout import COMPOSE_FILE, PROMETHEUS_CONFIG
from stackgen.targets.registry import TARGETS

CASES = [(spec, target) for spec in SPECS for target in sorted(TARGETS)]


def promtool_check_config(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([require_tool("promtool"), "check", "config", PROMETHEUS_CONFIG], cwd=folder,
                          capture_output=True, text=True, timeout=120)


def rendered(spec_path: Path, target: str, folder: Path) -> Path:
    """The output folder of `spec_path` with remote write, rendered under `folder` for `target`."""
    spec = load([with_remote_write(spec_path, folder)]).spec
    return write_scratch(render_stack(spec, TARGETS[target], place(folder / spec_path.name, folder / "generated")),
                         folder)


@pytest.mark.parametrize("spec_path, target", CASES, ids=[f"{s.stem}-{t}" for s, t in CASES])
def test_promtool_accepts_remote_write_and_the_replica_label(spec_path, target, tmp_path):
    folder = rendered(spec_path, target, tmp_path)
    result = promtool_check_config(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("field, value, expected", [
    ("action", "delete", "unknown relabel action"),
    ("regex", "go_(?!gc)", "invalid or unsupported Perl syntax"),
])
def test_promtool_refuses_a_relabel_step_prometheus_cannot_load(field, value, expected, tmp_path):
    """The check has teeth: a step the spec checks would refuse, written into the config by hand."""
    folder = rendered(SPECS[0], "compose", tmp_path)
    path = folder / PROMETHEUS_CONFIG
    config = yaml.safe_load(path.read_text())
    config["remote_write"][0]["write_relabel_configs"][0][field] = value
    path.write_text(yaml.safe_dump(config))
    result = promtool_check_config(folder)
    assert result.returncode != 0 and expected in result.stdout + result.stderr, result.stdout + result.stderr


@pytest.mark.parametrize("env, replica", [({}, "patronus-0"), ({"PROMETHEUS_REPLICA": "patronus-1"}, "patronus-1")])
def test_docker_compose_names_the_replica_from_the_host_environment(env, replica, tmp_path):
    rendered(SPECS[0], "compose", tmp_path)  # the compose file lands beside the output folder
    result = subprocess.run([require_tool("docker-compose"), "-f", COMPOSE_FILE, "config"], cwd=tmp_path,
                            env={"PATH": os.environ["PATH"], "HOME": str(tmp_path), **env},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    prometheus = yaml.safe_load(result.stdout)["services"]["prometheus"]
    assert prometheus["environment"] == {"PROMETHEUS_REPLICA": replica}
