"""Selectors are checked against the labels their series carry, which the spec's expressions decide."""

from __future__ import annotations

import pytest
from conftest import ROOT

from stackgen.errors import SpecError
from stackgen.spec.loader import check_source
from stackgen.spec.yamlsource import parse_yaml

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
RULE = "  - record: job:http_requests:rate5m\n    expr: sum by (job) (rate(http_requests_total[5m]))\n"
ALERT = 'expr: up{job="dashboard"} == 0'


def messages(rule_expr: str, alert_expr: str) -> list[str]:
    text = PATRONUS.replace(RULE, f"  - record: job:http_requests:rate5m\n    expr: '{rule_expr}'\n")
    text = text.replace(ALERT, f"expr: '{alert_expr}'")
    try:
        check_source(parse_yaml(text.encode(), "patronus.yaml"))
    except SpecError as exc:
        return [i.message for i in exc.issues]
    return []


ACCEPTED = [
    ("a label kept by a by-clause", "sum by (job, route) (rate(http_requests_total[5m]))",
     'job:http_requests:rate5m{route="/"} > 0'),
    ("a label a without-clause keeps", "sum without (status) (rate(http_requests_total[5m]))",
     'job:http_requests:rate5m{method="GET"} > 0'),
    ("a label label_replace adds", 'label_replace(rate(http_requests_total[5m]), "path", "$1", "route", "(.*)")',
     'job:http_requests:rate5m{path="/"} > 0'),
    ("a service's target label", "sum by (job) (rate(http_requests_total[5m]))", 'up{team="netops"} == 0'),
    ("an external label", "sum by (job) (rate(http_requests_total[5m]))", 'up{system="patronus"} == 0'),
    ("le on a histogram's buckets", "sum by (job) (rate(http_requests_total[5m]))",
     'http_request_duration_seconds_bucket{le="+Inf"} > 0'),
    ("a job matched by a regex", "sum by (job) (rate(http_requests_total[5m]))", 'up{job=~"dash.*"} == 0'),
    ("a job excluded by name", "sum by (job) (rate(http_requests_total[5m]))", 'up{job!="nothing"} == 0'),
]
REFUSED = [
    ("a label a without-clause drops", "sum without (status) (rate(http_requests_total[5m]))",
     'job:http_requests:rate5m{status="500"} > 0', "'job:http_requests:rate5m' has no label 'status'"),
    ("a label no aggregation keeps", "sum(rate(http_requests_total[5m]))",
     'job:http_requests:rate5m{job="dashboard"} > 0', "'job:http_requests:rate5m' has no label 'job'"),
]


@pytest.mark.parametrize(("name", "rule", "alert"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_a_selector_on_labels_its_series_carry_is_accepted(name, rule, alert):
    assert messages(rule, alert) == []


@pytest.mark.parametrize(("name", "rule", "alert", "expected"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_selector_on_labels_its_series_lack_is_refused(name, rule, alert, expected):
    found = messages(rule, alert)
    assert any(expected in m for m in found), found
