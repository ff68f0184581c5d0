"""Any spec's service: a steady baseline on which no alert holds, and faults that make an alert's own
expression true and false again, as promtool evaluates it over the series the service really exported."""

from __future__ import annotations

import httpx
import pytest
from conftest import SPECS, require_tool, starter_spec_without_tests
from support.service import OTHER_SPEC, holding_expressions, running_service, samples, scrape_series, total, wait_until

from stackgen.service.alert_faults import DRIVE, STOP_TARGET, alert_faults
from stackgen.service.baseline import FALLBACK_LABEL_VALUE
from stackgen.service.scenario import select_scenario
from stackgen.spec.loader import load_spec

TICK = 0.1
SCRAPES, EVERY = 3, 0.4


@pytest.fixture(scope="module", params=[*SPECS, "shop.yaml"], ids=lambda p: getattr(p, "name", p))
def served(request, tmp_path_factory):
    """Each example spec's first service with faults on, and one for a spec nobody wrote a scenario for."""
    path = request.param
    if path == "shop.yaml":
        path = tmp_path_factory.mktemp("specs") / "shop.yaml"
        path.write_text(OTHER_SPEC)
    spec = load_spec(path)
    with running_service(spec, faults=True, tick=TICK, seed=3) as url, httpx.Client(base_url=url, timeout=10) as client:
        yield spec, client


def firing_alerts(served, tmp_path) -> list[str]:
    spec, client = served
    promtool = require_tool("promtool")
    scrapes = scrape_series(client, SCRAPES, EVERY)
    holding = holding_expressions(promtool, spec, spec.services[0].name, [a.expr for a in spec.alerts], scrapes, EVERY,
                                  tmp_path)
    return sorted({a.name for a in spec.alerts if a.expr in holding})


def test_on_the_baseline_no_alert_expression_holds(served, tmp_path):
    assert firing_alerts(served, tmp_path) == []


def test_counters_grow_and_every_labelled_series_has_a_real_label_value(served):
    _, client = served
    before = samples(client.get("/metrics").text)
    after = wait_until(lambda: (s := samples(client.get("/metrics").text)) and
                       any(v > before.get(k, 0) for k, v in s.items() if k[0].endswith("_total")) and s,
                       "no counter grew")
    assert all(dict(labels).get(label) != "none" for _, labels in after for label in dict(labels))


def test_taskq_queue_series_carry_the_queue_its_alert_tests_name():
    spec = load_spec(next(p for p in SPECS if p.name == "taskq.yaml"))
    with running_service(spec, tick=TICK) as url, httpx.Client(base_url=url, timeout=10) as client:
        text = wait_until(lambda: (t := client.get("/metrics").text) and total(t, "jobs_enqueued_total") > 0 and t,
                          "jobs_enqueued_total did not grow")
        assert total(text, "queue_oldest_job_age_seconds", queue="email") == 60  # the quiet test's level
        assert FALLBACK_LABEL_VALUE not in text
        ready = client.get("/health/ready").json()
        assert ready == {"status": "ready", "failing": [], "components": {"baseline": {"healthy": True}}}
    with running_service(spec, "worker", tick=TICK) as url, httpx.Client(base_url=url, timeout=10) as client:
        text = wait_until(lambda: (t := client.get("/metrics").text) and total(
            t, "jobs_completed_total", queue="email", outcome="succeeded") > 0 and t, "no job completed")
        assert total(text, "jobs_completed_total", queue="email", outcome="failed") == 0  # "(succeeded, failed)"
        assert total(text, "workers_busy") < total(text, "worker_pool_size")


def drivable(spec) -> list[str]:
    """Alerts the service drives itself (a scenario's aliases make real work fail instead: the e2e tests)."""
    served_here = {m.name for m in spec.metrics if m.service in (None, spec.services[0].name)}
    aliases = scenario.alert_aliases if (scenario := select_scenario(spec)) else {}
    return [name for name, fault in alert_faults(spec).items() if name not in aliases
            and fault.kind == DRIVE and {d.metric for d in fault.drives} <= served_here]


def test_each_alert_fault_makes_its_own_expression_true_and_false_again(served, tmp_path):
    spec, client = served
    promtool = require_tool("promtool")
    job = spec.services[0].name
    failed = []
    for name in drivable(spec):
        exprs = [a.expr for a in spec.alerts if a.name == name]
        assert client.post("/admin/faults", json={"alert": name, "active": True}).status_code == 200
        try:
            scrapes = scrape_series(client, SCRAPES, EVERY)
            if not holding_expressions(promtool, spec, job, exprs, scrapes, EVERY, tmp_path):
                failed.append(name)
        finally:
            assert client.post("/admin/faults", json={"alert": name, "active": False}).status_code == 200
    assert failed == []


def test_gauge_faults_let_go_when_switched_off(served, tmp_path):
    spec, client = served
    gauges = [n for n in drivable(spec) if all(d.kind == "gauge" for d in alert_faults(spec)[n].drives)]
    if not gauges:
        assert spec.name == "shop"  # the spec without alert tests has none; every example spec has one
        return
    promtool = require_tool("promtool")
    name = gauges[0]
    client.post("/admin/faults", json={"alert": name, "active": True})
    client.post("/admin/faults", json={"alert": name, "active": False})
    scrapes = scrape_series(client, 2, EVERY)
    exprs = [a.expr for a in spec.alerts if a.name == name]
    assert holding_expressions(promtool, spec, spec.services[0].name, exprs, scrapes, EVERY, tmp_path) == set()


def test_up_alerts_are_left_to_whoever_runs_the_stack_with_the_job_to_stop(served):
    spec, client = served
    listed = client.get("/admin/faults").json()["alerts"]
    for name, fault in alert_faults(spec).items():
        if fault.kind == STOP_TARGET:
            assert listed[name]["kind"] == STOP_TARGET and listed[name]["job"]
            response = client.post("/admin/faults", json={"alert": name, "active": True})
            assert response.status_code == 409
            assert response.json()["error"].startswith(f"alert {name} cannot be switched here: stop the scrape target")


def assert_driven_from_its_expression(client: httpx.Client, spec, job: str, alert: str, tmp_path) -> None:
    """The alert's expression holds over the service's scrapes once, and only once, its fault is on; the fault
    read from the expression, the alert having no firing test."""
    promtool = require_tool("promtool")
    exprs = [a.expr for a in spec.alerts if a.name == alert]

    def holding() -> set[str]:
        return holding_expressions(promtool, spec, job, exprs, scrape_series(client, SCRAPES, EVERY), EVERY, tmp_path)

    assert holding() == set()
    switched = client.post("/admin/faults", json={"alert": alert, "active": True}).json()
    assert switched["from_test"] == "(from the expression)"
    assert holding() == set(exprs)


def test_a_taskq_alert_without_a_firing_test_is_driven_from_its_expression_on_the_service_that_exports_it(tmp_path):
    spec = load_spec(next(p for p in SPECS if p.name == "taskq.yaml"))
    with running_service(spec, "worker", faults=True, tick=TICK) as url, \
            httpx.Client(base_url=url, timeout=10) as client:
        assert_driven_from_its_expression(client, spec, "worker", "JobFailureRate", tmp_path)
        stale = client.post("/admin/faults", json={"alert": "StaleJobs", "active": True})
        assert (stale.status_code, stale.json()["error"]) == (
            409, "alert StaleJobs cannot be switched here: this service does not export queue_oldest_job_age_seconds "
                 "(services: api)")


def test_the_starter_error_ratio_alert_without_tests_is_driven_on_the_5xx_series_its_rule_selects(tmp_path):
    # `stackgen init`'s HighErrorRate reads a recording rule over `status=~"5.."`; the healthy service only
    # answers 200, so the fault's series must be new ones that the regex selects.
    spec = load_spec(starter_spec_without_tests(tmp_path, "HighErrorRate"))
    with running_service(spec, faults=True, tick=TICK) as url, httpx.Client(base_url=url, timeout=10) as client:
        assert_driven_from_its_expression(client, spec, "app", "HighErrorRate", tmp_path)
