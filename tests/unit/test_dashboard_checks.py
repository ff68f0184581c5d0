"""Invalid dashboards are refused by `stackgen validate` with exit 2, naming the file, the line and the panel.

Each case edits one value of a small valid spec; `{line}` in the expected message is the line of the
edited value, found in the written file, so the table does not depend on line numbers typed by hand.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import yaml

PANEL_PATH = "dashboards[svc].rows[Traffic].panels"

BASE = {
    "apiVersion": "stackgen/v1",
    "system": {"name": "shop"},
    "services": [{"name": "api", "port": 8000, "demo": True}],
    "metrics": [
        {"name": "http_requests_total", "type": "counter", "help": "Requests handled.", "labels": ["status"]},
        {"name": "http_request_duration_seconds", "type": "histogram", "help": "Time to answer."},
    ],
    "thresholds": {"latency_p95_seconds": 0.5},
    "dashboards": [{
        "uid": "svc", "title": "Service",
        "variables": [{"name": "job", "query": "label_values(up, job)"}],
        "rows": [{"title": "Traffic", "panels": [
            {"title": "Request Rate", "type": "timeseries", "unit": "reqps",
             "queries": [{"expr": 'sum(rate(http_requests_total{job=~"$job"}[$__rate_interval]))'}]},
            {"title": "Latency", "type": "timeseries", "unit": "s",
             "queries": [{"expr": "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"}],
             "thresholds": [{"value": "latency_p95_seconds", "color": "red"}]},
        ]}],
    }],
}


@dataclass(frozen=True)
class Case:
    id: str
    edit: Callable[[dict], None]
    marker: str  # text on the line the error points at (its last occurrence in the file)
    expected: str  # substring of the message; {line} is the marker's line


def panel(doc: dict, index: int = 0) -> dict:
    return doc["dashboards"][0]["rows"][0]["panels"][index]


def second_dashboard(doc: dict, **changes) -> None:
    other = copy.deepcopy(doc["dashboards"][0])
    other.update({"title": "Other", **changes})
    doc["dashboards"].append(other)


CASES = [
    Case("a panel query over an undeclared metric names the metric and the panel",
         lambda d: panel(d)["queries"][0].update(expr="sum(rate(http_requests_totl[5m]))"), "http_requests_totl",
         "shop.yaml:{line}: " + PANEL_PATH + "[Request Rate].queries[0].expr: unknown metric 'http_requests_totl' "
         "(did you mean 'http_requests_total'?)"),
    Case("a unit Grafana does not know is refused with the unit it probably means",
         lambda d: panel(d, 1).update(unit="seconds"), "unit: seconds",
         "shop.yaml:{line}: " + PANEL_PATH + "[Latency].unit: unknown Grafana unit 'seconds' (did you mean 's'?)"),
    Case("a misspelt unit gets the closest Grafana unit id",
         lambda d: panel(d).update(unit="reqs"), "unit: reqs",
         PANEL_PATH + "[Request Rate].unit: unknown Grafana unit 'reqs' (did you mean 'reqps'?)"),
    Case("a threshold step naming an undeclared threshold is refused",
         lambda d: panel(d, 1)["thresholds"][0].update(value="latency_p95_second"), "value: latency_p95_second",
         "shop.yaml:{line}: " + PANEL_PATH + "[Latency].thresholds[0].value: unknown threshold 'latency_p95_second' "
         "(did you mean 'latency_p95_seconds'?)"),
    Case("two dashboards with one uid are refused",
         lambda d: second_dashboard(d), "uid: svc",
         "shop.yaml:{line}: dashboards[svc].uid: duplicate dashboard uid 'svc' (first defined on line"),
    Case("two dashboards with one title are refused, as Grafana refuses them in one folder",
         lambda d: second_dashboard(d, uid="svc2", title="Service"), "title: Service",
         "shop.yaml:{line}: dashboards[svc2].title: duplicate dashboard title 'Service'"),
    Case("two panels with one title in a dashboard are refused",
         lambda d: panel(d, 1).update(title="Request Rate"), "title: Request Rate",
         "shop.yaml:{line}: " + PANEL_PATH + "[Request Rate].title: duplicate panel title 'Request Rate'"),
    Case("threshold steps that go down are refused",
         lambda d: panel(d, 1)["thresholds"].append({"value": 0.1, "color": "orange"}), "value: 0.1",
         PANEL_PATH + "[Latency].thresholds[1].value: threshold steps must increase: 0.1 comes after 0.5"),
    Case("a base step (no value) after the first is refused",
         lambda d: panel(d, 1)["thresholds"].append({"color": "blue"}), "color: blue",
         PANEL_PATH + "[Latency].thresholds[1]: only the first step may leave out 'value'"),
    Case("a colour Grafana does not know is refused",
         lambda d: panel(d, 1)["thresholds"][0].update(color="rde"), "color: rde",
         PANEL_PATH + "[Latency].thresholds[0].color: unknown colour 'rde' (did you mean 'red'?)"),
    Case("a query using an undeclared variable is refused",
         lambda d: panel(d)["queries"][0].update(expr='sum(rate(http_requests_total{job=~"$jobs"}[5m]))'), "$jobs",
         PANEL_PATH + "[Request Rate].queries[0].expr: unknown variable '$jobs' (did you mean 'job'?)"),
    Case("a variable query Grafana's Prometheus editor cannot run is refused",
         lambda d: d["dashboards"][0]["variables"][0].update(query="values(up)"), "values(up)",
         "dashboards[svc].variables[job].query: unsupported variable query 'values(up)'"),
    Case("a variable over an undeclared metric is refused",
         lambda d: d["dashboards"][0]["variables"][0].update(query="label_values(upp, job)"), "upp",
         "dashboards[svc].variables[job].query: unknown metric 'upp' (did you mean 'up'?)"),
    Case("an untitled row after a titled row is refused, as Grafana would fold it into the row above",
         lambda d: d["dashboards"][0]["rows"].append({"panels": [panel(d) | {"title": "Extra"}]}), "- panels:",
         "dashboards[svc].rows[1]: a row without a title after a titled row"),
    Case("a panel whose min is not below its max is refused",
         lambda d: panel(d).update(min=5, max=1), "max: 1",
         PANEL_PATH + "[Request Rate].max: max 1 is not above min 5 (swap them)"),
]


def test_the_base_spec_of_these_cases_is_valid(cli, tmp_path):
    spec = tmp_path / "shop.yaml"
    spec.write_text(yaml.safe_dump(BASE, sort_keys=False))
    result = cli("validate", spec)
    assert result.exit_code == 0, result.output
    assert "1 dashboard)" in result.stdout


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_an_invalid_dashboard_is_refused(cli, tmp_path, case):
    doc = copy.deepcopy(BASE)
    case.edit(doc)
    text = yaml.safe_dump(doc, sort_keys=False, width=1000)
    line = next(i for i, t in reversed(list(enumerate(text.splitlines(), 1))) if case.marker in t)
    spec = tmp_path / "shop.yaml"
    spec.write_text(text)
    result = cli("validate", spec)
    assert result.exit_code == 2, result.output
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert case.expected.format(line=line) in message
    assert f"shop.yaml:{line}:" in message
