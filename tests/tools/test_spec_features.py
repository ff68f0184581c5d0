"""Spec features production alerting uses, rendered and checked by the real promtool and amtool.

Each case is the default spec with a few edits, so the feature is seen working inside a whole stack.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml
from conftest import ROOT, require_tool

from stackgen.pipeline import render_stack, write_scratch
from stackgen.spec.loader import check_source
from stackgen.spec.yamlsource import parse_yaml

PATRONUS = (ROOT / "specs" / "patronus.yaml").read_text()


def edited(*edits: tuple[str, str]) -> str:
    text = PATRONUS
    for old, new in edits:
        assert text.count(old) == 1, f"the edit must match the default spec exactly once: {old!r}"
        text = text.replace(old, new)
    return text


def rendered(text: str, tmp_path: Path) -> Path:
    spec = check_source(parse_yaml(text.encode(), "patronus.yaml"))
    return write_scratch(render_stack(spec, "compose"), tmp_path)


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)


KEEP_FIRING = ("        expr: up{job=\"dashboard\"} == 0\n        for: 1m\n",
               "        expr: up{job=\"dashboard\"} == 0\n        for: 1m\n        keep_firing_for: 5m\n")
STILL_FIRING_CASE = ("          - name: a healthy instance does not\n",
                     "          - name: an instance back for two minutes still fires, as keep_firing_for says\n"
                     "            series:\n"
                     "              'up{job=\"dashboard\", instance=\"dashboard:8443\"}': \"1 1 0x5 1x10\"\n"
                     "            at: 10m\n"
                     "            fires: true\n"
                     "          - name: a healthy instance does not\n")


def test_keep_firing_for_is_rendered_into_the_rule_and_promtool_honours_it(tmp_path):
    out = rendered(edited(KEEP_FIRING, STILL_FIRING_CASE), tmp_path)
    rules = yaml.safe_load((out / "prometheus/alerts.yml").read_text())
    rule = next(r for g in rules["groups"] for r in g["rules"] if r["alert"] == "DashboardDown")
    assert rule["keep_firing_for"] == "5m"
    checked = run(require_tool("promtool"), "check", "rules", "prometheus/alerts.yml", cwd=out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tested = run(require_tool("promtool"), "test", "rules", "prometheus/tests/alerts.test.yml", cwd=out)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_without_keep_firing_for_the_same_case_fails_so_the_case_above_can_fail(tmp_path):
    out = rendered(edited(STILL_FIRING_CASE), tmp_path)
    tested = run(require_tool("promtool"), "test", "rules", "prometheus/tests/alerts.test.yml", cwd=out)
    assert tested.returncode != 0
    assert "an instance back for two minutes" in tested.stdout + tested.stderr
