"""The registry built from a spec: every declared metric, nothing else, under its declared name."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import SPECS
from support.service import OTHER_SPEC, allowed_series, samples

from stackgen.model import Metric, RecordingRule
from stackgen.service.driver import Driver
from stackgen.service.metrics import ServiceError, SpecMetrics, served_metrics
from stackgen.spec.loader import load_spec


@pytest.fixture(scope="module", params=[*SPECS, "shop.yaml"], ids=lambda p: getattr(p, "name", p))
def spec(request, tmp_path_factory):
    """Every example spec, and one that shares nothing with Patronus."""
    if request.param == "shop.yaml":
        path = tmp_path_factory.mktemp("specs") / "shop.yaml"
        path.write_text(OTHER_SPEC)
        return load_spec(path)
    return load_spec(request.param)


def test_a_registry_with_nothing_claimed_still_exposes_every_declared_metric_and_nothing_else(spec):
    declared = served_metrics(spec, spec.services[0].name)
    registry = SpecMetrics(declared)
    Driver(spec, registry, {})
    text = registry.exposition().decode()
    allowed = allowed_series(declared)
    seen = {name for name, _ in samples(text)}
    assert seen <= set(allowed), f"undeclared series: {sorted(seen - set(allowed))}"
    assert {allowed[name] for name in seen} == {m.name for m in declared}
    typed = {line.split()[2]: line.split()[3] for line in text.splitlines() if line.startswith("# TYPE")}
    assert typed == {m.name: m.type for m in declared}


def test_labelled_metrics_nobody_drives_get_baseline_series_with_default_label_values():
    spec = load_spec(None)
    jobs = Metric("jobs_total", "counter", "Jobs, by queue and result (ok, failed).", labels=("queue", "result"))
    shop = replace(spec, metrics=(jobs,), alert_groups=(), recording_rules=(), dashboards=())
    registry = SpecMetrics([jobs])
    Driver(shop, registry, {}).step(2.0)
    assert samples(registry.exposition().decode()) == {
        ("jobs_total", frozenset({("queue", "default"), ("result", "ok")})): 2.0,
        ("jobs_total", frozenset({("queue", "default"), ("result", "failed")})): 0.0}


def test_a_counter_the_spec_names_only_by_its_failure_value_also_counts_successes_on_a_healthy_service():
    spec = load_spec(None)
    thumbs = Metric("thumbnails_total", "counter", "Thumbnails written.", labels=("outcome",))
    errors = RecordingRule("thumbnails:error_ratio", 'sum(rate(thumbnails_total{outcome="error"}[5m])) '
                                                     "/ sum(rate(thumbnails_total[5m]))")
    shop = replace(spec, metrics=(thumbs,), alert_groups=(), recording_rules=(errors,), dashboards=())
    registry = SpecMetrics([thumbs])
    Driver(shop, registry, {}).step(2.0)
    assert samples(registry.exposition().decode()) == {
        ("thumbnails_total", frozenset({("outcome", "error")})): 0.0,
        ("thumbnails_total", frozenset({("outcome", "succeeded")})): 2.0}


def test_created_series_are_left_out_of_the_exposition():
    registry = SpecMetrics([Metric("jobs_total", "counter", "Jobs."),
                            Metric("wait_seconds", "histogram", "Wait.", buckets=(1.0,)),
                            Metric("size_bytes", "summary", "Size.")])
    assert "_created" not in registry.exposition().decode()


def test_declared_buckets_are_the_buckets_exposed():
    registry = SpecMetrics([Metric("wait_seconds", "histogram", "Wait.", buckets=(0.1, 0.5, 2.0))])
    text = registry.exposition().decode()
    assert [line.split('"')[1] for line in text.splitlines() if line.startswith("wait_seconds_bucket")] == [
        "0.1", "0.5", "2.0", "+Inf"]


CLAIMS = [
    ("the declared name, type and labels", ("jobs_total", "counter", ["queue"]), True),
    ("labels in another order", ("pairs", "gauge", ["b", "a"]), True),
    ("an undeclared name", ("other_total", "counter", ["queue"]), False),
    ("another type", ("jobs_total", "gauge", ["queue"]), False),
    ("other labels", ("jobs_total", "counter", ["queue", "result"]), False),
    ("no labels where the spec has some", ("jobs_total", "counter", []), False),
]


@pytest.mark.parametrize("case, claim, drives", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_a_component_drives_a_metric_only_when_the_spec_declares_it_exactly_so(case, claim, drives):
    registry = SpecMetrics([Metric("jobs_total", "counter", "Jobs.", labels=("queue",)),
                            Metric("pairs", "gauge", "Pairs.", labels=("a", "b"))])
    metric = registry.claim(*claim)
    assert bool(metric) is drives
    assert (claim[0] in registry.claim_rest()) is (not drives and claim[0] in registry.declared)
    if not drives:  # an undriven metric takes any update and ignores it
        metric.labels(queue="q", a="1").inc()


REFUSED = [
    ("a counter whose name lacks _total",
     [Metric("jobs", "counter", "Jobs.")],
     "jobs: prometheus_client exposes a counter as '<name>_total', so it cannot export counter 'jobs' "
     "under that name (rename it to 'jobs_total'"),
    ("a gauge whose name is a histogram's series",
     [Metric("wait_seconds", "histogram", "Wait."), Metric("wait_seconds_count", "gauge", "Count.")],
     "wait_seconds_count: prometheus_client refuses this metric: Duplicated timeseries in CollectorRegistry"),
]


@pytest.mark.parametrize("case, metrics, message", REFUSED, ids=[c[0] for c in REFUSED])
def test_metrics_prometheus_client_cannot_export_by_their_name_are_refused_with_the_reason(case, metrics, message):
    with pytest.raises(ServiceError) as info:
        SpecMetrics(metrics)
    assert str(info.value).startswith(message)


def test_a_service_exports_the_metrics_bound_to_it_and_those_bound_to_none():
    spec = load_spec(SPECS[0])
    metrics = [Metric("a_total", "counter", "A.", service="web"), Metric("b", "gauge", "B."),
               Metric("c", "gauge", "C.", service="worker")]
    two = replace(spec, metrics=tuple(metrics))
    assert [m.name for m in served_metrics(two, "web")] == ["a_total", "b"]
