"""`stackgen verify`'s results as a table, JSON and JUnit XML: what each says, exactly, and when a run passes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from stackgen.errors import UsageError
from stackgen.verify.report import FAILED, PROVEN, SKIPPED, AlertResult, PanelResult, Report, render_report, table

PROVEN_ALERT = AlertResult("PathDown", PROVEN, "drive", 2.14, ("incident-webhook", "pagerduty"),
                           ("incident-webhook", "pagerduty"), ("warning",), 5.21)
SKIPPED_ALERT = AlertResult("WorkersSaturated", SKIPPED, "unsupported", detail="no firing unit test yet")
FAILED_ALERT = AlertResult("StaleJobs", FAILED, "drive", 3.0, detail="StaleJobs delivered to team-slack did not "
                                                                       "happen within 60 s")
PANELS = (PanelResult("Overview", "Uptime", PROVEN),
          PanelResult("Overview", "Errors", SKIPPED, "empty when healthy"))


def report(*alerts: AlertResult, problems: tuple[str, ...] = ()) -> Report:
    return Report("taskq.yaml", alerts, PANELS, 93.4, problems=problems)


def test_the_table_lists_each_alert_with_when_it_fired_where_it_went_and_whether_it_resolved():
    assert table(report(PROVEN_ALERT, SKIPPED_ALERT)) == """\
alert             fired after s  delivered to                                     resolved
----------------  -------------  -----------------------------------------------  --------
PathDown          2.1            incident-webhook, pagerduty (warning inhibited)  yes, after 5.2
WorkersSaturated  -              -                                                skipped: no firing unit test yet

panels: 1 of 2 have data on the healthy baseline
  Overview / Errors: skipped: empty when healthy
taskq.yaml: verified: 1 alert proven, 1 marked not provable, 0 failed; 93 s"""


def test_a_failed_alert_shows_what_failed_and_fails_the_run():
    text = table(report(PROVEN_ALERT, FAILED_ALERT))
    assert "StaleJobs  3.0            -  " in text
    assert "FAILED: StaleJobs delivered to team-slack did not happen within 60 s" in text
    assert text.endswith("taskq.yaml: NOT verified: 1 alert proven, 0 marked not provable, 1 failed; 93 s")
    assert not report(PROVEN_ALERT, FAILED_ALERT).ok


def test_the_verdict_of_a_run_whose_alerts_all_pass_names_the_panels_and_problems_that_failed_it():
    panels = (PanelResult("Overview", "Queue", FAILED, "no data for queue_depth"),
              PanelResult("SLOs", "Budget", FAILED, "no data for slo:error_budget:ratio"))
    bad = Report("shop.yaml", (PROVEN_ALERT,), panels, 120.2, problems=("rule thumbs:rate failed to evaluate",))
    assert table(bad).endswith("shop.yaml: NOT verified: 1 alert proven, 0 marked not provable, 0 failed, "
                               "2 panels without data, 1 stack problem; 120 s")


@pytest.mark.parametrize("case, ok", [
    ("every alert proven", report(PROVEN_ALERT)),
    ("an alert marked not provable", report(PROVEN_ALERT, SKIPPED_ALERT)),
])
def test_a_run_passes_when_every_alert_is_proven_or_marked(case, ok):
    assert ok.ok, case


def test_a_problem_with_the_stack_fails_the_run_and_is_shown():
    bad = report(PROVEN_ALERT, problems=("scrape target api is down: connection refused",))
    assert not bad.ok
    assert "problem: scrape target api is down: connection refused" in table(bad)


def test_the_json_report_carries_every_result_and_the_verdict():
    data = json.loads(render_report(report(PROVEN_ALERT, SKIPPED_ALERT), Path("out.json")))
    assert data["ok"] is True
    assert data["spec"] == "taskq.yaml"
    assert data["alerts"][0] == {"alert": "PathDown", "status": "proven", "how": "drive", "fired_after": 2.14,
                                 "delivered_to": ["incident-webhook", "pagerduty"],
                                 "expected": ["incident-webhook", "pagerduty"], "inhibited": ["warning"],
                                 "resolved_after": 5.21, "detail": ""}
    assert data["alerts"][1]["detail"] == "no firing unit test yet"
    assert [p["status"] for p in data["panels"]] == ["proven", "skipped"]


def test_the_junit_report_has_a_case_per_alert_and_panel_with_failures_and_skips_and_their_reasons():
    suite = ET.fromstring(render_report(report(PROVEN_ALERT, SKIPPED_ALERT, FAILED_ALERT), Path("out.XML")))
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "1", "2")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert list(cases) == ["alert PathDown", "alert WorkersSaturated", "alert StaleJobs", "panel Overview / Uptime",
                           "panel Overview / Errors"]
    assert list(cases["alert PathDown"]) == []
    assert cases["alert WorkersSaturated"].find("skipped").get("message") == "no firing unit test yet"
    assert "did not happen within 60 s" in cases["alert StaleJobs"].find("failure").get("message")


def test_a_report_file_of_another_kind_is_refused_with_the_kinds_it_takes():
    with pytest.raises(UsageError, match=r"unknown report format '\.txt' \(name the file \*\.json or \*\.xml"):
        render_report(report(PROVEN_ALERT), Path("out.txt"))
