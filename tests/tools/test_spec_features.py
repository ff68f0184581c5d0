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

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()


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


def cases_of(alert: str, out: Path) -> str:
    """A promtool test file beside the rendered one with only `alert`'s cases, loading the same rule files.

    An edit here changes one alert's rule and cases; every other case's verdict is that of the unedited spec,
    which `stackgen test` runs in test_alert_tests.py. promtool evaluates every rule at every step of every case,
    so the other cases would cost this test most of its time and could not change its verdict."""
    rendered = out / "prometheus/tests/alerts.test.yml"
    tests = yaml.safe_load(rendered.read_text())
    tests["tests"] = [case for case in tests["tests"] if {t["alertname"] for t in case["alert_rule_test"]} == {alert}]
    assert tests["tests"], f"no case of {alert} in {rendered}"
    only = rendered.with_name(f"{alert}.test.yml")
    only.write_text(yaml.safe_dump(tests, sort_keys=False))
    return only.relative_to(out).as_posix()


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
    only = cases_of("DashboardDown", out)
    assert any("back for two minutes" in case["name"] for case in yaml.safe_load((out / only).read_text())["tests"])
    tested = run(require_tool("promtool"), "test", "rules", only, cwd=out)
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_without_keep_firing_for_the_same_case_fails_so_the_case_above_can_fail(tmp_path):
    out = rendered(edited(STILL_FIRING_CASE), tmp_path)
    tested = run(require_tool("promtool"), "test", "rules", cases_of("DashboardDown", out), cwd=out)
    assert tested.returncode != 0
    assert "an instance back for two minutes" in tested.stdout + tested.stderr


TIME_INTERVALS = ("  inhibit_rules:\n",
                  "  time_intervals:\n"
                  "    - name: weeknights\n"
                  "      time_intervals:\n"
                  "        - times: [{start_time: \"18:00\", end_time: \"24:00\"},\n"
                  "                  {start_time: \"00:00\", end_time: \"08:00\"}]\n"
                  "          weekdays: [\"monday:friday\"]\n"
                  "          location: Europe/Berlin\n"
                  "        - weekdays: [saturday, sunday]\n"
                  "    - name: business-hours\n"
                  "      time_intervals:\n"
                  "        - times: [{start_time: \"08:00\", end_time: \"18:00\"}]\n"
                  "          days_of_month: [\"1:15\", \"-3:-1\"]\n"
                  "          months: [\"january:june\", \"9\"]\n"
                  "          years: [\"2026:2030\"]\n"
                  "  inhibit_rules:\n")
MUTED_ROUTE = ("    - matchers: [severity=\"info\"]\n      receivers: [email-info]\n",
               "    - matchers: [severity=\"info\"]\n      receivers: [email-info]\n"
               "      mute_time_intervals: [weeknights]\n      active_time_intervals: [business-hours]\n")


def test_time_intervals_and_a_muted_route_pass_amtool_and_its_routing_tests(tmp_path):
    out = rendered(edited(TIME_INTERVALS, MUTED_ROUTE), tmp_path)
    config = yaml.safe_load((out / "alertmanager/config.yml").read_text())
    assert [t["name"] for t in config["time_intervals"]] == ["weeknights", "business-hours"]
    assert config["time_intervals"][0]["time_intervals"][0] == {
        "times": [{"start_time": "18:00", "end_time": "24:00"}, {"start_time": "00:00", "end_time": "08:00"}],
        "weekdays": ["monday:friday"], "location": "Europe/Berlin"}
    muted = [r for r in config["route"]["routes"] if r.get("mute_time_intervals")]
    assert [(r["receiver"], r["mute_time_intervals"], r["active_time_intervals"]) for r in muted] == [
        ("email-info", ["weeknights"], ["business-hours"])]
    amtool = require_tool("amtool")
    checked = run(amtool, "check-config", "alertmanager/config.yml", cwd=out)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # Muting acts when a notification is due, not when routing: the muted route still takes the alert.
    routed = run(amtool, "config", "routes", "test", "--config.file=alertmanager/config.yml",
                 "alertname=HighSiteCount", "severity=info", cwd=out)
    assert routed.stdout.split() == ["incident-webhook,email-info"], routed.stdout + routed.stderr


def test_the_guide_says_a_muted_route_still_routes_and_mutes_when_notifying(tmp_path):
    guide = (rendered(edited(TIME_INTERVALS, MUTED_ROUTE), tmp_path) / "docs/MONITORING.md").read_text()
    assert "muted during `weeknights`, sends only during `business-hours`" in guide
    assert "Time intervals (`weeknights`, `business-hours`) act when a notification\nis due, not when" in guide
