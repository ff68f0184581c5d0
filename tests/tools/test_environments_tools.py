"""Every environment of every example spec passes the real promtool and amtool: its configs, and the alert and
routing tests of the spec with the environment's overlay merged onto it (`stackgen test --env NAME`)."""

from __future__ import annotations

import re
import subprocess

import pytest
from conftest import ROOT, SPECS, require_tool

from stackgen.pipeline import load, render_stack, write_scratch
from stackgen.spec.environments import environments_of
from stackgen.targets.registry import COMPOSE

ENVIRONMENTS = [(spec, env) for spec in SPECS if spec.parent == ROOT / "specs" for env in environments_of(spec)]
IDS = [f"{s.stem}-{e}" for s, e in ENVIRONMENTS]


def run(*command: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(("spec", "env"), ENVIRONMENTS, ids=IDS)
def test_promtool_and_amtool_accept_the_environments_configs(spec, env, tmp_path):
    rendered = write_scratch(render_stack(load([spec], env=env).spec, COMPOSE), tmp_path)
    checks = [(require_tool("promtool"), "check", "config", "prometheus/prometheus.yml"),
              (require_tool("amtool"), "check-config", "alertmanager/config.yml")]
    for command in checks:
        result = run(*command, cwd=rendered)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("spec", "env"), ENVIRONMENTS, ids=IDS)
def test_the_environments_alert_and_routing_tests_pass(spec, env, cli):
    require_tool("promtool")
    require_tool("amtool")
    result = cli("test", spec, "--env", env)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].endswith(" passed, 0 failed")
    if (spec.name, env) == ("taskq.yaml", "staging"):  # its overlay replaces the spec's routing tests
        assert "ok    route  A critical alert in staging goes to the team channel, and pages nobody." in result.stdout
        assert "A critical alert pages on-call" not in result.stdout


def test_the_summary_of_stackgen_test_names_the_environment_whose_cases_ran(cli):
    require_tool("promtool")
    require_tool("amtool")
    result = cli("test", ROOT / "specs" / "taskq.yaml", "--env", "staging")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert re.fullmatch(r"taskq\.yaml \(environment staging\): \d+ passed, 0 failed", result.stdout.splitlines()[-1])
