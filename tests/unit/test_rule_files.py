"""Rule files and promtool test files: the SLOs' rules and cases apart from the spec's own, each test file loading
only the rule files its alerts read, and a spec without SLOs rendered as before."""

from __future__ import annotations

from dataclasses import replace

import pytest
import yaml
from conftest import SPECS

from stackgen.model import Alert, AlertGroup, AlertTest, Spec
from stackgen.pipeline import load, render_stack
from stackgen.process.slo import SLOAlerting, expand_slos, split_slos
from stackgen.render.alert_tests import render_test_files
from stackgen.render.kubernetes_monitoring import render_prometheus_rules
from stackgen.render.rule_files import case_files, render_rule_files
from stackgen.spec.loader import load_spec
from stackgen.targets.layout import ALERT_RULES, ALERT_TESTS, RECORDING_RULES, SLO_RULES, SLO_TESTS
from stackgen.targets.registry import COMPOSE


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load().spec


def _records(rule_file: dict) -> set[str]:
    return {r["record"] for g in rule_file["groups"] for r in g["rules"] if "record" in r}


def _alerts(rule_file: dict) -> set[str]:
    return {r["alert"] for g in rule_file["groups"] for r in g["rules"] if "alert" in r}


def test_the_slo_rules_and_alerts_have_a_rule_file_of_their_own(spec):
    own, slos = split_slos(spec)
    assert slos is not None
    files = render_rule_files(spec)
    assert list(files) == [RECORDING_RULES, ALERT_RULES, SLO_RULES]
    assert _records(files[RECORDING_RULES]) == {r.record for r in own.recording_rules}
    assert not any(r.startswith("slo:") for r in _records(files[RECORDING_RULES]))
    assert _alerts(files[ALERT_RULES]) == {a.name for a in own.alerts}
    assert [g["name"] for g in files[SLO_RULES]["groups"]] == ["slos-recording", "slos"]
    assert _records(files[SLO_RULES]) == {r.record for r in slos.recording_rules}
    assert _alerts(files[SLO_RULES]) == {a.name for a in slos.alerts}
    assert len(own.recording_rules) + len(slos.recording_rules) == len(spec.recording_rules)


def test_prometheus_loads_every_rule_file(spec):
    config = yaml.safe_load(render_stack(spec, COMPOSE).files["prometheus/prometheus.yml"])
    assert config["rule_files"] == ["recording.yml", "alerts.yml", "slos.yml"]


@pytest.mark.parametrize("path", SPECS, ids=[s.stem for s in SPECS])
def test_each_test_file_loads_only_its_own_rule_files_and_every_case_is_in_one(path):
    spec = load([path]).spec
    files = render_test_files(spec)
    assert files[ALERT_TESTS]["rule_files"] == ["../recording.yml", "../alerts.yml"]
    assert files[ALERT_TESTS]["evaluation_interval"] == spec.settings.evaluation_interval
    assert files[SLO_TESTS]["rule_files"] == ["../slos.yml"]
    assert files[SLO_TESTS]["evaluation_interval"] == "1m"  # the cases' sample spacing
    names = [t["name"] for f in files.values() for t in f["tests"]]
    assert len(names) == len(set(names)) == sum(len(a.tests) for a in spec.alerts)
    assert all("SLO" in t["name"] for t in files[SLO_TESTS]["tests"])


def test_an_alert_of_the_spec_on_an_slo_series_loads_the_slo_rules_too(spec):
    budget = Alert("BudgetHalfSpent", "budget", 'slo:period_error_budget_remaining:ratio{sloth_slo="api-availability"}'
                   " < 0.5", "", "warning", "half the budget is spent",
                   tests=(AlertTest("no traffic spends nothing", (("up", "1x5"),), "5m", False),))
    with_budget = replace(spec, alert_groups=(*spec.alert_groups, AlertGroup("budget", "Budget", (budget,))))
    own = next(f for f in case_files(with_budget) if f.path == ALERT_TESTS)
    assert own.rule_files == (RECORDING_RULES, ALERT_RULES, SLO_RULES)
    assert render_test_files(with_budget)[ALERT_TESTS]["rule_files"] == ["../recording.yml", "../alerts.yml",
                                                                          "../slos.yml"]


def test_a_spec_without_slos_has_no_slo_files():
    plain = replace(load_spec(), slos=())
    assert split_slos(plain) == (plain, None)
    files = render_stack(plain, COMPOSE).files
    assert SLO_RULES not in files and SLO_TESTS not in files
    assert yaml.safe_load(files["prometheus/prometheus.yml"])["rule_files"] == ["recording.yml", "alerts.yml"]
    assert [o["metadata"]["name"] for o in render_prometheus_rules(plain)] == ["patronus-recording",
                                                                             "patronus-alerts"]


def test_slos_without_alerting_write_their_rules_but_no_test_file():
    raw = load_spec()
    quiet = expand_slos(replace(raw, slos=()),
                        tuple(replace(s, alerting=SLOAlerting(enabled=False)) for s in raw.slos))
    files = render_stack(quiet, COMPOSE).files
    assert [g["name"] for g in yaml.safe_load(files[SLO_RULES])["groups"]] == ["slos-recording"]
    assert SLO_TESTS not in files
    assert [t.path for t in case_files(quiet)] == [ALERT_TESTS]


def test_the_kubernetes_target_has_a_prometheus_rule_per_rule_file(spec):
    rules = {o["metadata"]["name"]: o["spec"] for o in render_prometheus_rules(spec)}
    assert rules == {f"patronus-{stem}": data for stem, data in
                     zip(("recording", "alerts", "slos"), render_rule_files(spec).values(), strict=True)}


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_stackgen_test_gives_the_tools_the_very_files_generate_writes(path):
    from stackgen.targets.layout import ALERTMANAGER_CONFIG
    from stackgen.verify.spec_tests import tool_inputs

    spec = load([path]).spec
    files = tool_inputs(spec).files
    assert set(files) == {ALERTMANAGER_CONFIG, *render_rule_files(spec), *render_test_files(spec)}
    everything = render_stack(spec, COMPOSE).files
    assert {name: everything[name] for name in files} == files
