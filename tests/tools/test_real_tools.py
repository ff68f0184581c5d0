"""Every example spec, for every target, passes the real promtool and amtool."""

from __future__ import annotations

import subprocess

import pytest
from conftest import SPECS, require_tool

from stackgen.pipeline import load, render_stack, write_scratch
from stackgen.targets.registry import TARGETS

CASES = [(spec, target) for spec in SPECS for target in sorted(TARGETS)]


@pytest.fixture(params=CASES, ids=[f"{s.stem}-{t}" for s, t in CASES])
def rendered(request, tmp_path):
    spec, target = request.param
    return write_scratch(render_stack(load([spec]).spec, TARGETS[target]), tmp_path)  # SLOs expanded, as generate does


def run(*command, cwd):
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)


def test_promtool_accepts_the_prometheus_config_and_its_rule_files(rendered):
    result = run(require_tool("promtool"), "check", "config", "prometheus/prometheus.yml", cwd=rendered)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rule_files(rendered))} rule files found" in result.stdout


def rule_files(folder):
    """The rule files written beside prometheus.yml: recording.yml, alerts.yml and, with SLOs, slos.yml."""
    return sorted(str(p.relative_to(folder)) for p in (folder / "prometheus").glob("*.yml") if p.name != "prometheus.yml")


def test_promtool_accepts_each_rule_file(rendered):
    result = run(require_tool("promtool"), "check", "rules", *rule_files(rendered), cwd=rendered)
    assert result.returncode == 0, result.stdout + result.stderr


def test_amtool_accepts_the_alertmanager_config(rendered):
    result = run(require_tool("amtool"), "check-config", "alertmanager/config.yml", cwd=rendered)
    assert result.returncode == 0, result.stdout + result.stderr
