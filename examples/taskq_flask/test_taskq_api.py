"""The example's own tests: the Taskq API keeps the contract of its spec, as a user's tests would check it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from taskq_api import create_app

from stackgen.instrument import ContractError, assert_metrics_contract

SPEC = Path(__file__).resolve().parents[2] / "specs" / "taskq.yaml"


def check_contract(app: Flask) -> None:
    """Drive the API a little, scrape /metrics and check it against the spec: the test a user writes."""
    client = app.test_client()
    assert client.post("/jobs/email").status_code == 202
    assert client.post("/jobs/email/take").status_code == 200
    assert client.get("/no/such/page").status_code == 404
    scraped = client.get("/metrics")
    assert scraped.status_code == 200
    assert_metrics_contract(SPEC, "api", exposition=scraped.data)


def test_the_api_exposes_every_metric_its_spec_reads_as_declared() -> None:
    check_contract(create_app())


def test_the_contract_fails_when_the_api_stops_exposing_a_metric_its_spec_reads() -> None:
    app = create_app()
    metrics = app.extensions["metrics"]
    metrics.registry.unregister(metrics.jobs_enqueued_total.collector)
    with pytest.raises(ContractError) as failure:
        check_contract(app)
    assert str(failure.value) == (
        f"the metrics of service 'api' break the contract of {SPEC} (1 problem):\n"
        f"  - jobs_enqueued_total: missing (counter declared at {SPEC}:80, read by panel 'Jobs enqueued and finished')")


def test_http_metrics_are_labelled_by_url_rule_never_by_raw_path() -> None:
    app = create_app()
    client = app.test_client()
    for i in range(50):
        client.get(f"/scan/{i}")
        client.post(f"/jobs/unknown-{i}")
    text = client.get("/metrics").get_data(as_text=True)
    series = sorted(line.split(" ")[0] for line in text.splitlines() if line.startswith("http_requests_total{"))
    assert series == ['http_requests_total{method="GET",route="unmatched",status="404"}',
                      'http_requests_total{method="POST",route="/jobs/<queue>",status="404"}']
