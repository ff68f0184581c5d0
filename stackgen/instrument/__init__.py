"""Metrics for the user's own app, from the same spec its alerts and dashboards are checked against.

    from stackgen.instrument import metrics_from_spec, instrument_flask
    metrics = metrics_from_spec("specs/taskq.yaml", "api")     # the spec's collectors, in a fresh registry
    metrics["jobs_enqueued_total"].labels(queue="email").inc()
    instrument_flask(app, metrics)                             # HTTP metrics by route template

ASGI apps (Starlette, FastAPI) add `HttpMetricsMiddleware` with `recorder=HttpMetrics(metrics)`;
`stackgen codegen python` writes a typed module of the same collectors; `assert_metrics_contract` checks, in
the app's own tests, that it exposes every metric the spec's rules and panels read.
"""

from stackgen.instrument.collectors import NULL_METRIC, SpecMetricSet, metrics_from_spec
from stackgen.instrument.contract import ContractError, assert_metrics_contract
from stackgen.instrument.http import HttpMetrics, HttpMetricsMiddleware, error_type
from stackgen.instrument.specfile import Declared, InstrumentError, load_service_spec, served_metrics
from stackgen.instrument.wsgi import ROUTE_KEY, WsgiHttpMetricsMiddleware, instrument_flask
from stackgen.model import Metric

__all__ = [
    "NULL_METRIC",
    "ROUTE_KEY",
    "ContractError",
    "Declared",
    "HttpMetrics",
    "HttpMetricsMiddleware",
    "InstrumentError",
    "Metric",
    "SpecMetricSet",
    "WsgiHttpMetricsMiddleware",
    "assert_metrics_contract",
    "error_type",
    "instrument_flask",
    "load_service_spec",
    "metrics_from_spec",
    "served_metrics",
]
