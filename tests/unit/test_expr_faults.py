"""Faults read from an alert's expression when it has no firing test: the driven series are the ones the
expression's selectors select, whatever their matchers (`=~`, `!=`, `!~`), even when the healthy baseline
has no such series."""

from __future__ import annotations

import pytest
import yaml

from stackgen.service.alert_faults import DRIVE, UNSUPPORTED, alert_faults
from stackgen.spec.loader import load_spec

VIA_RULE = 'job:http_errors:ratio_rate5m{job="checkout"} > 0.05'


def faults(tmp_path, numerator: str, expr: str = VIA_RULE, help_text: str = "Requests."):
    """The faults of a spec whose HighErrorRate has no test; its ratio's numerator is `numerator`."""
    doc = {
        "apiVersion": "stackgen/v1", "system": {"name": "shop"},
        "services": [{"name": "checkout", "port": 9000, "demo": True}],
        "metrics": [{"name": "http_requests_total", "type": "counter", "help": help_text, "labels": ["route", "status"]}],
        "recording_rules": [{"record": "job:http_errors:ratio_rate5m", "expr": f"sum by (job) (rate(http_requests_total"
                             f"{numerator}[5m])) / sum by (job) (rate(http_requests_total[5m]))"}],
        "alert_groups": [{"name": "http", "alerts": [{"name": "HighErrorRate", "expr": expr, "for": "5m",
                                                      "severity": "critical", "summary": "Requests fail"}]}],
        "routing": {"receiver": "team", "receivers": [{"name": "team", "webhook": {"url": "http://hooks.example/"}}]},
    }
    path = tmp_path / "shop.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return alert_faults(load_spec(path))


@pytest.mark.parametrize(("case", "numerator", "help_text", "statuses"), [
    ("a regex no baseline value matches gets a value made from it", '{status=~"5.."}', "Requests.", ["500"]),
    ("an alternation gets a value of its first branch", '{status=~"502|503"}', "Requests.", ["502"]),
    ("a regex keeps the baseline values it matches", '{status=~"5.."}', "Requests by status (200, 503, 504).",
     ["503", "504"]),
    ("a negative matcher keeps the other baseline values", '{status!="200"}', "Requests by status (200, 500).",
     ["500"]),
    ("a negative regex refusing every baseline value gets another", '{status!~"2.."}', "Requests.", ["500"]),
    ("an equality matcher drives its own value", '{status="503"}', "Requests.", ["503"]),
])
def test_a_ratio_alert_without_a_test_drives_the_series_its_recorded_numerator_selects(case, numerator, help_text,
                                                                                       statuses, tmp_path):
    fault = faults(tmp_path, numerator, help_text=help_text)["HighErrorRate"]
    assert (fault.kind, fault.test) == (DRIVE, "(from the expression)")
    assert [(d.metric, d.labels["status"], d.rate > 0) for d in fault.drives] == [
        ("http_requests_total", status, True) for status in statuses]


def test_a_ratio_written_in_the_alert_itself_is_read_the_same_way(tmp_path):
    expr = 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05'
    fault = faults(tmp_path, "", expr)["HighErrorRate"]
    assert [d.labels for d in fault.drives] == [{"route": "/", "status": "500"}]


def test_a_numerator_no_label_value_can_pass_is_left_unsupported(tmp_path):
    assert faults(tmp_path, '{status="500", status!="500"}')["HighErrorRate"].kind == UNSUPPORTED
