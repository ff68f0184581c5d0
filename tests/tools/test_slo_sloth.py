"""Differential test: for one objective and SLI, stackgen's page and ticket alerts fire and stay quiet on the same
input series as the rules Sloth publishes for that SLO.

Sloth's rules below are written by hand in the shape its generator documents (examples/_gen/ in slok/sloth:
the SLI rule per window, the period average, the multiwindow alert template, shared alert name told apart by
`sloth_severity`). Each scenario states the series and the verdicts once; both rule sets must meet them.
"""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, require_tool

from stackgen.model import AlertTest, Spec
from stackgen.output.serialize import dump_yaml
from stackgen.process.slo import SLO, RatioSLI, expand_slos
from stackgen.render.alert_tests import render_test_files
from stackgen.render.rule_files import render_rule_files
from stackgen.spec.loader import load_spec
from stackgen.targets.layout import SLO_TESTS

ERRORS = 'sum(rate(http_requests_total{job="api", status=~"5.."}[{{ window }}]))'
TOTAL = 'sum(rate(http_requests_total{job="api"}[{{ window }}]))'
SLO_UNDER_TEST = SLO("api", "availability", 99.9, RatioSLI(ERRORS, TOTAL))
IDS = {"sloth_id": "api-availability", "sloth_service": "api", "sloth_slo": "availability"}
EVENTS_PER_MINUTE = 1000  # at 99.9%, 1 error a minute is a 1x burn
SLOTH_ALERT = "ApiAvailabilitySLO"


def _sli_rule(window: str) -> str:
    return f"""
  - record: slo:sli_error:ratio_rate{window}
    expr: |
      (sum(rate(http_requests_total{{job="api", status=~"5.."}}[{window}])))
      /
      (sum(rate(http_requests_total{{job="api"}}[{window}])))
    labels: {{sloth_id: api-availability, sloth_service: api, sloth_slo: availability, sloth_window: {window}}}"""


_IDS = 'sloth_id="api-availability", sloth_service="api", sloth_slo="availability"'
_BUDGET = "0.0009999999999999432"  # Sloth's 100 - 99.9 in float64, as it prints it


def _sloth_alert(severity: str, quick: tuple[str, str, str], slow: tuple[str, str, str]) -> str:
    (qs, ql, qf), (ss, sl, sf) = quick, slow
    return f"""
  - alert: {SLOTH_ALERT}
    expr: |
      (
          (slo:sli_error:ratio_rate{qs}{{{_IDS}}} > ({qf} * {_BUDGET}))
          and ignoring (sloth_window)
          (slo:sli_error:ratio_rate{ql}{{{_IDS}}} > ({qf} * {_BUDGET}))
      )
      or ignoring (sloth_window)
      (
          (slo:sli_error:ratio_rate{ss}{{{_IDS}}} > ({sf} * {_BUDGET}))
          and ignoring (sloth_window)
          (slo:sli_error:ratio_rate{sl}{{{_IDS}}} > ({sf} * {_BUDGET}))
      )
    labels: {{sloth_severity: {severity}}}
    annotations:
      title: ({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast.
      summary: '{{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is over expected.'"""


SLOTH_RULES = (
    "groups:\n- name: sloth-slo-sli-recordings-api-availability\n  rules:"
    + "".join(_sli_rule(w) for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d"))
    + f"""
  - record: slo:sli_error:ratio_rate30d
    expr: |
      sum_over_time(slo:sli_error:ratio_rate5m{{{_IDS}}}[30d])
      / ignoring (sloth_window)
      count_over_time(slo:sli_error:ratio_rate5m{{{_IDS}}}[30d])
    labels: {{sloth_window: 30d}}
- name: sloth-slo-alerts-api-availability
  rules:"""
    + _sloth_alert("page", ("5m", "1h", "14.4"), ("30m", "6h", "6"))
    + _sloth_alert("ticket", ("2h", "1d", "3"), ("6h", "3d", "1"))
    + "\n"
)


def counter(*segments: tuple[int, float], absent: int = 0) -> str:
    """Per-minute samples of a counter from 0, rising `per_minute` for `minutes` in each segment;
    `absent` leading minutes with no sample (a labelled series not yet created)."""
    value, values = 0.0, ["_"] * absent + ["0"]
    for minutes, per_minute in segments:
        for _ in range(minutes):
            value += per_minute
            values.append(f"{value:g}")
    return " ".join(values)


def burn(*segments: tuple[int, float], absent_errors: int = 0) -> tuple[tuple[str, str], ...]:
    """Good and error series for burn multiples (x budget) over minutes; absent_errors delays the error series."""
    good = [(minutes, EVENTS_PER_MINUTE - multiple) for minutes, multiple in segments]
    if absent_errors:
        good = [(absent_errors, EVENTS_PER_MINUTE), *good]
    return (('http_requests_total{job="api", status="200"}', counter(*good)),
            ('http_requests_total{job="api", status="500"}', counter(*segments, absent=absent_errors)))


# name, series, eval time, short window of the page pair that fires (None: quiet), same for the ticket
SCENARIOS = [
    ("a steady 15x burn pages on 1h and 5m and tickets on 1d and 2h", burn((60, 15)), "60m", "5m", "2h"),
    ("a steady 10x burn pages on 6h and 30m", burn((60, 10)), "60m", "30m", "2h"),
    ("a steady 7x burn pages on 6h and 30m", burn((60, 7)), "60m", "30m", "2h"),
    ("a steady 2x burn tickets on 3d and 6h and does not page", burn((120, 2)), "120m", None, "6h"),
    ("a steady 0.5x burn fires nothing", burn((120, 0.5)), "120m", None, None),
    ("no errors fire nothing", burn((60, 0)), "60m", None, None),
    ("a 5 minute 20x burst after two healthy hours fires nothing", burn((120, 0), (5, 20)), "125m", None, None),
    ("ten healthy minutes after an hour at 15x leave the slow page pair firing", burn((60, 15), (10, 0)), "70m",
     "30m", "2h"),
    ("35 healthy minutes after an hour at 15x resolve the page, not the ticket", burn((60, 15), (35, 0)), "95m",
     None, "2h"),
    ("errors that start after a healthy hour with no error series ticket", burn((30, 15), absent_errors=60), "90m",
     None, "2h"),
    ("no traffic at all fires nothing",
     (('http_requests_total{job="api", status="200"}', counter((60, 0))),), "60m", None, None),
]


def run_promtool(folder: Path, test_file: str) -> subprocess.CompletedProcess:
    return subprocess.run([require_tool("promtool"), "test", "rules", test_file], cwd=folder, capture_output=True,
                          text=True, timeout=300)


def _case(name: str, series: tuple, at: str, window: str | None) -> AlertTest:
    labels = {**IDS, "sloth_window": window} if window else {}
    return AlertTest(name=name, series=series, at=at, fires=window is not None, labels=labels)


def stackgen_spec() -> Spec:
    spec = expand_slos(load_spec(ROOT / "specs" / "taskq.yaml"), (SLO_UNDER_TEST,))
    page, ticket = spec.alert_groups[-1].alerts
    page = replace(page, tests=tuple(_case(n, s, at, p) for n, s, at, p, _ in SCENARIOS))
    ticket = replace(ticket, tests=tuple(_case(n, s, at, t) for n, s, at, _, t in SCENARIOS))
    return replace(spec, settings=replace(spec.settings, evaluation_interval="1m"),
                   alert_groups=(replace(spec.alert_groups[-1], alerts=(page, ticket)),))


def _sloth_expected(severity: str, window: str) -> dict:
    return {"exp_labels": {**IDS, "sloth_window": window, "sloth_severity": severity},
            "exp_annotations": {"title": f"({severity}) api availability SLO error budget burn rate is too fast.",
                                "summary": "api availability SLO error budget burn rate is over expected."}}


def sloth_tests() -> dict:
    tests = []
    for name, series, at, page, ticket in SCENARIOS:
        expected = [_sloth_expected(s, w) for s, w in (("page", page), ("ticket", ticket)) if w]
        tests.append({"name": name, "interval": "1m",
                      "input_series": [{"series": s, "values": v} for s, v in series],
                      "alert_rule_test": [{"eval_time": at, "alertname": SLOTH_ALERT, "exp_alerts": expected}]})
    return {"rule_files": ["sloth.yml"], "evaluation_interval": "1m", "tests": tests}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("slo-sloth")
    spec = stackgen_spec()
    files = {**render_rule_files(spec), **render_test_files(spec), "sloth/sloth.test.yml": sloth_tests()}
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(dump_yaml(data, None))
    (root / "sloth/sloth.yml").write_text(SLOTH_RULES)
    return root


def test_the_hand_written_sloth_rules_are_valid_and_match_the_stated_scenarios(folder):
    yaml.safe_load(SLOTH_RULES)
    result = run_promtool(folder / "sloth", "sloth.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_stackgen_slo_alerts_meet_the_same_scenarios(folder):
    result = run_promtool(folder, SLO_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == 1
