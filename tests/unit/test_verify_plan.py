"""Which alerts `stackgen verify` proves together: never two that drive one metric, stop a target the other
needs, or that an inhibit rule could let silence one another; and which cannot be proven, and why."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import ROOT

from stackgen.pipeline import load
from stackgen.verify.plan import may_match, plan_alerts, static_labels, unprovable, waves


def names(spec_path: Path | None) -> list[list[str]]:
    spec = load([spec_path]).spec
    return [[p.name for p in wave] for wave in waves(spec, [p for p in plan_alerts(spec) if not unprovable(p)
                                                             and p.skip is None])]


def test_patronus_stops_its_service_alone_and_keeps_pathdown_apart_from_the_alerts_it_inhibits():
    got = names(None)
    assert got[0] == ["DashboardDown"]  # stopping the only service would silence every other proof
    together = next(w for w in got if "PathDown" in w)
    assert not {"HighPacketLoss", "HighPathLatency"} & set(together)
    assert sorted(a for w in got for a in w) == sorted({a.name for a in load([None]).spec.alerts})


def test_taskq_stops_its_two_services_together_and_then_proves_what_runs_on_them():
    # The SLO alerts of one objective share their SLI's series, so its page and ticket alerts go in
    # different groups; the stopped-target alerts come first, alone.
    assert names(ROOT / "specs" / "taskq.yaml") == [
        ["ApiDown", "WorkerDown"],
        ["JobFailureRate", "StaleJobs", "QueueBacklog", "ApiEnqueueAvailabilitySLOPage"],
        ["ApiEnqueueAvailabilitySLOTicket", "WorkerJobSuccessSLOPage"],
        ["WorkerJobSuccessSLOTicket"]]


def test_an_alert_marked_not_provable_keeps_its_reason_and_needs_no_fault():
    plan = next(p for p in plan_alerts(load([ROOT / "specs" / "taskq.yaml"]).spec) if p.name == "WorkersSaturated")
    assert plan.skip and "no firing unit test" in plan.skip
    assert unprovable(plan) is None


def test_an_alert_that_cannot_fire_without_a_marker_says_why_and_how_to_mark_it(tmp_path):
    doc = yaml.safe_load((ROOT / "specs" / "taskq.yaml").read_text())
    for group in doc["alert_groups"]:
        for alert in group["alerts"]:
            alert.pop("verify", None)
    spec = tmp_path / "taskq.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    plan = next(p for p in plan_alerts(load([spec]).spec) if p.name == "WorkersSaturated")
    assert unprovable(plan) == ("no firing unit test to derive the fault from, and the expression is not a gauge or "
                                "a ratio of counter rates over a threshold; add a firing unit test, or mark it "
                                "`verify: {skip: <reason>}` in the spec")


def test_matchers_on_labels_an_alert_may_still_get_do_not_rule_it_out():
    alert = load([None]).spec.alerts[0]
    labels = static_labels(alert)
    assert labels["alertname"] == "DashboardDown" and labels["severity"] == "critical"
    assert may_match(('site="paris"',), labels)  # the expression may add a site
    assert may_match(('alertname=~"Dash.*"', 'severity!="warning"'), labels)
    assert not may_match(('alertname!="DashboardDown"',), labels)
    assert not may_match(('severity=~"warning|info"',), labels)
