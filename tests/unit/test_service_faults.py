"""Fault injection: each fault moves the metrics its Patronus alert watches, and switching it off heals."""

from __future__ import annotations

import time

import httpx
import pytest
from support.service import running_service, total, value, wait_until

from stackgen.service.patronus import PATRONUS_FAULTS as FAULTS
from stackgen.spec.loader import load_spec

TICK = 0.1


@pytest.fixture(scope="module")
def service():
    with running_service(load_spec(None), faults=True, tick=TICK, seed=7) as url, \
            httpx.Client(base_url=url, timeout=10) as client:
        yield client


@pytest.fixture
def fault(service):
    """Switch one fault on for a test; always switched off after it."""
    switched: list[str] = []

    def switch(name: str) -> dict:
        response = service.post("/admin/faults", json={"fault": name, "active": True})
        assert response.status_code == 200, response.text
        switched.append(name)
        return response.json()

    yield switch
    for name in switched:
        service.post("/admin/faults", json={"fault": name, "active": False})


def scrape(client: httpx.Client) -> str:
    return client.get("/metrics").text


def target_labels(client: httpx.Client, name: str) -> dict[str, str]:
    target = client.get("/admin/faults").json()["faults"][name]["target"]
    return dict(pair.split("=") for pair in target.split(","))


def rises(client: httpx.Client, measure, above: float, failure: str) -> None:
    """Wait until `measure(before, after)` over two scrapes a few ticks apart exceeds `above`."""
    def check() -> bool:
        before = scrape(client)
        time.sleep(5 * TICK)
        return measure(before, scrape(client)) > above
    wait_until(check, failure, timeout=10, every=0)


def test_faults_are_listed_with_their_state_effect_and_target(service):
    faults = service.get("/admin/faults").json()["faults"]
    assert list(faults) == list(FAULTS)
    assert all(not f["active"] and f["effect"] for f in faults.values())
    assert faults["path_down"]["target"] == "site=ams,path=ams-mpls"


FAULT_NAMES = "; fault NAME one of: path_down, high_latency, packet_loss, db_errors, login_failures, not_ready, slow_http"
INVALID = [
    ("an unknown fault", {"fault": "meteor", "active": True}, FAULT_NAMES),
    ("a fault name that is a list", {"fault": ["x"], "active": True}, FAULT_NAMES),
    ("a fault name that is an object", {"fault": {"a": 1}, "active": True}, FAULT_NAMES),
    ("an alert name that is a list", {"alert": ["x"], "active": True}, "; alert NAME one of: DashboardDown, "
     "HighErrorRate, HighLoginFailureRate, NoActiveUsers, PathDown, HighPathLatency, HighPacketLoss, "
     "HighDatabaseQueryTime, DatabaseErrors, HighMemoryUsage, SlowHTTPResponses, HighSiteCount, HighPolicyCount"),
    ("a state that is not a boolean", {"fault": "db_errors", "active": "yes"}, ""),
    ("no state", {"fault": "db_errors"}, ""),
    ("a list where the name should be", {"fault": ["x"]}, ""),
    ("both an alert and a fault", {"fault": "db_errors", "alert": "PathDown", "active": True}, ""),
    ("neither an alert nor a fault", {"active": True}, ""),
]


@pytest.mark.parametrize("case, body, expected", INVALID, ids=[i[0] for i in INVALID])
def test_an_invalid_fault_switch_is_refused_with_what_to_send(service, case, body, expected):
    response = service.post("/admin/faults", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == (
        'send {"alert": NAME, "active": true|false} or {"fault": NAME, "active": true|false}' + expected)


def test_path_down_takes_one_path_down_with_total_loss_and_it_comes_back(service, fault):
    labels = target_labels(service, "path_down")
    fault("path_down")
    wait_until(lambda: value(scrape(service), "sdwan_path_up", **labels) == 0, "the path did not go down")
    text = scrape(service)
    assert value(text, "sdwan_path_packet_loss_ratio", **labels) == 1.0
    assert value(text, "sdwan_paths_active") == 15
    service.post("/admin/faults", json={"fault": "path_down", "active": False})
    wait_until(lambda: value(scrape(service), "sdwan_path_up", **labels) == 1, "the path did not come back")


def mean_latency(labels: dict[str, str]):
    def measure(before: str, after: str) -> float:
        count = total(after, "sdwan_path_latency_seconds_count", **labels) - total(
            before, "sdwan_path_latency_seconds_count", **labels)
        seconds = total(after, "sdwan_path_latency_seconds_sum", **labels) - total(
            before, "sdwan_path_latency_seconds_sum", **labels)
        return seconds / count if count else 0.0
    return measure


def test_high_latency_makes_new_probes_of_one_path_slower_than_the_alert_threshold(service, fault):
    labels = target_labels(service, "high_latency")
    fault("high_latency")
    rises(service, mean_latency(labels), 0.15, "latency did not rise above 0.15 s")


def test_packet_loss_makes_one_path_lose_more_than_two_percent(service, fault):
    labels = target_labels(service, "packet_loss")
    fault("packet_loss")
    wait_until(lambda: value(scrape(service), "sdwan_path_packet_loss_ratio", **labels) > 0.02, "no loss")


def test_db_errors_make_queries_fail_and_readiness_name_the_database(service, fault):
    fault("db_errors")
    rises(service, lambda b, a: total(a, "db_errors_total") - total(b, "db_errors_total"), 0,
          "db_errors_total did not rise")
    response = service.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert "injected fault db_errors" in response.json()["components"]["database"]["reason"]


def test_login_failures_make_most_login_attempts_fail(service, fault):
    fault("login_failures")

    def failure_ratio(before: str, after: str) -> float:
        attempts = total(after, "auth_login_attempts_total") - total(before, "auth_login_attempts_total")
        failures = total(after, "auth_login_failures_total") - total(before, "auth_login_failures_total")
        return failures / attempts if attempts else 0.0
    rises(service, failure_ratio, 0.3, "the login failure ratio did not rise above 0.3")


def test_not_ready_turns_readiness_503_naming_the_engine_and_back(service, fault):
    assert service.get("/health/ready").status_code == 200
    fault("not_ready")
    response = service.get("/health/ready")
    assert (response.status_code, response.json()["failing"]) == (503, ["sdwan_engine"])
    assert response.json()["status"] == "not ready"
    assert service.get("/health/live").status_code == 200
    service.post("/admin/faults", json={"fault": "not_ready", "active": False})
    assert service.get("/health/ready").status_code == 200


@pytest.mark.slow
def test_slow_http_records_api_requests_slower_than_one_second(service, fault):
    def slow_requests(text: str) -> float:
        return total(text, "http_request_duration_seconds_count", route="/api/paths") - total(
            text, "http_request_duration_seconds_bucket", route="/api/paths", le="1.0")
    before = slow_requests(scrape(service))
    fault("slow_http")
    wait_until(lambda: slow_requests(scrape(service)) > before, "no request slower than 1 s was recorded")
