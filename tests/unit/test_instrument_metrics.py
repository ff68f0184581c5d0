"""`metrics_from_spec`: exactly the collectors a service of a spec declares, and label errors at the spec line."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY, CollectorRegistry

from stackgen.instrument import NULL_METRIC, Declared, InstrumentError, Metric, SpecMetricSet, metrics_from_spec
from stackgen.instrument.specfile import load_service_spec
from stackgen.spec.loader import load_spec
from tests.conftest import ROOT, SPECS

TASKQ = "specs/taskq.yaml"
SERVICES = [(spec, s.name) for spec in SPECS for s in load_spec(spec).services]


def exposed_families(registry: CollectorRegistry) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """name as the spec writes it -> (type, help, label names), from the registry's own description."""
    out = {}
    for family in registry.collect():
        name = family.name + "_total" if family.type == "counter" else family.name
        labels = {k for s in family.samples for k in s.labels if k not in ("le", "quantile")}
        out[name] = (family.type, family.documentation, tuple(sorted(labels)))
    return out


@pytest.mark.parametrize("spec, service", SERVICES, ids=[f"{p.stem}-{s}" for p, s in SERVICES])
def test_every_service_of_every_spec_gets_exactly_its_declared_collectors(spec, service):
    metrics = metrics_from_spec(spec, service)
    declared = [m for m in load_spec(spec).metrics if m.service in (None, service)]
    for metric in declared:  # one series each, so label names show in the collected samples
        collector = metrics[metric.name]
        child = collector.labels(**dict.fromkeys(metric.labels, "x")) if metric.labels else collector
        child.observe(1) if metric.type in ("histogram", "summary") else child.inc()
    families = exposed_families(metrics.registry)
    assert {n: f for n, f in families.items() if not n.endswith("_created")} == {
        m.name: (m.type, m.help, tuple(sorted(m.labels))) for m in declared}
    assert list(metrics) == [m.name for m in declared]


def test_histograms_get_the_buckets_the_spec_declares():
    metrics = metrics_from_spec(TASKQ, "worker")
    metrics["job_duration_seconds"].labels(queue="email").observe(7)
    buckets = [s.labels["le"] for s in metrics.registry.collect() if s.name == "job_duration_seconds"
               for s in s.samples if s.name.endswith("_bucket")]
    assert buckets == ["0.1", "0.5", "1.0", "2.5", "5.0", "10.0", "30.0", "60.0", "120.0", "300.0", "+Inf"]


def test_each_call_gets_a_fresh_registry_and_never_the_global_one():
    before = set(REGISTRY._names_to_collectors)
    first, second = metrics_from_spec(TASKQ, "api"), metrics_from_spec(TASKQ, "api")
    assert first.registry is not second.registry
    assert set(REGISTRY._names_to_collectors) == before


def test_the_collectors_go_into_the_registry_the_caller_passes():
    registry = CollectorRegistry()
    metrics = metrics_from_spec(TASKQ, "api", registry)
    assert metrics.registry is registry
    assert "queue_depth" in registry._names_to_collectors


LABEL_ERRORS = [
    ("a label the spec does not declare", lambda m: m["jobs_enqueued_total"].labels(queu="email"),
     "specs/taskq.yaml:80: metrics[jobs_enqueued_total].labels: label 'queu' is not declared "
     "(declared labels: queue; add it to the spec's labels or drop it)"),
    ("two labels the spec does not declare", lambda m: m["http_requests_total"].labels(
        method="GET", route="/", status="200", path="/x", host="h"),
     "specs/taskq.yaml:67: metrics[http_requests_total].labels: labels 'host', 'path' are not declared "
     "(declared labels: method, route, status; add them to the spec's labels or drop them)"),
    ("a declared label left out", lambda m: m["http_requests_total"].labels(method="GET"),
     "specs/taskq.yaml:67: metrics[http_requests_total].labels: labels 'route', 'status' are given no value "
     "(give every declared label a value: method, route, status)"),
    ("too many label values by position", lambda m: m["queue_depth"].labels("email", "x"),
     "specs/taskq.yaml:86: metrics[queue_depth].labels: 2 label values given, 1 declared (queue) "
     "(give one value per declared label, in the spec's order)"),
    ("chained labels() calls keep prometheus_client's own message",
     lambda m: m["taskq_build_info"].labels(version="1").labels(version="2"),
     "gauge:taskq_build_info already has labels set ({'version': '1'}); can not chain calls to .labels()"),
    ("a metric the service does not declare", lambda m: m["jobs_completed_total"],
     "no metric 'jobs_completed_total' among the declared ones (http_requests_total, http_request_duration_seconds, "
     "jobs_enqueued_total, queue_depth, queue_oldest_job_age_seconds, taskq_build_info); declare it in the spec "
     "under 'metrics:', bound to this service"),
]


@pytest.mark.parametrize("name, call, message", LABEL_ERRORS, ids=[c[0] for c in LABEL_ERRORS])
def test_using_metrics_otherwise_than_declared_fails_at_once_naming_the_spec_line(name, call, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    metrics = metrics_from_spec(TASKQ, "api")
    with pytest.raises(ValueError) as failure:
        call(metrics)
    assert str(failure.value) == message


def test_the_spec_line_named_is_the_metric_declaration():
    lines = (ROOT / TASKQ).read_text().splitlines()
    for declared in load_service_spec(ROOT / TASKQ, "api").declared:
        assert lines[declared.line - 1] == f"  - name: {declared.metric.name}"


def test_labels_on_a_metric_declaring_none_name_the_spec_line():
    metrics = SpecMetricSet([Declared(Metric("workers_busy", "gauge", "Busy."), "taskq.yaml", 121)])
    with pytest.raises(InstrumentError) as failure:
        metrics["workers_busy"].labels(queue="email")
    assert str(failure.value) == ("taskq.yaml:121: metrics[workers_busy].labels: declares no labels "
                                  "(call it without .labels(), or declare labels in the spec)")


def test_a_counter_prometheus_client_cannot_name_as_declared_is_refused_with_its_line():
    with pytest.raises(InstrumentError) as failure:
        SpecMetricSet([Declared(Metric("jobs", "counter", "Jobs."), "shop.yaml", 9)])
    assert str(failure.value) == (
        "shop.yaml:9: metrics[jobs].name: prometheus_client exposes a counter as '<name>_total', so it cannot "
        "export 'jobs' (rename it to 'jobs_total', as the Prometheus convention and `promtool check metrics` ask)")


def test_a_metric_already_in_the_callers_registry_is_refused_with_its_line():
    registry = CollectorRegistry()
    metrics_from_spec(TASKQ, "api", registry)
    with pytest.raises(InstrumentError) as failure:
        metrics_from_spec(ROOT / TASKQ, "api", registry)
    assert str(failure.value).startswith(f"{ROOT / TASKQ}:67: metrics[http_requests_total].name: "
                                         "prometheus_client refuses this metric: Duplicated timeseries")


def test_an_unknown_service_is_refused_with_the_services_there_are():
    with pytest.raises(InstrumentError) as failure:
        metrics_from_spec(ROOT / TASKQ, "web")
    assert str(failure.value) == f"{ROOT / TASKQ}:21: services: no service 'web' (choose one of: api, worker)"


CLAIMS = [("declared as asked", "queue_depth", "gauge", ["queue"], True),
          ("another type", "queue_depth", "counter", ["queue"], False),
          ("other labels", "queue_depth", "gauge", ["queue", "host"], False),
          ("not declared", "http_errors_total", "counter", ["type"], False)]


@pytest.mark.parametrize("name, metric, type_, labels, found", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claim_gives_the_collector_only_when_declared_as_asked(name, metric, type_, labels, found):
    metrics = metrics_from_spec(TASKQ, "api")
    claimed = metrics.claim(metric, type_, labels)
    assert (claimed is metrics[metric]) if found else (claimed is NULL_METRIC)
