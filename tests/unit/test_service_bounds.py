"""What keeps the service's memory bounded while it runs: stored tokens and label values."""

from __future__ import annotations

import asyncio

import pytest

from stackgen.model import Metric
from stackgen.service.faults import Faults
from stackgen.service.http_metrics import HttpMetrics, error_type
from stackgen.service.metrics import SpecMetrics
from stackgen.service.patronus.auth import TOKENS_KEPT_PER_USER, Auth
from stackgen.service.patronus.database import Database
from stackgen.spec.loader import load_spec


def test_logins_and_refreshes_keep_a_bounded_number_of_tokens_per_user():
    metrics = SpecMetrics(load_spec(None).metrics)
    db = Database(metrics, Faults())
    auth = Auth(db, metrics, {"ann": "pw"})

    async def churn() -> None:
        tokens = await auth.login("ann", "pw")
        for _ in range(3 * TOKENS_KEPT_PER_USER):
            tokens = auth.refresh(tokens["refresh_token"])
        for _ in range(5):
            await auth.login("ann", "pw")

    asyncio.run(churn())
    assert db.run("SELECT COUNT(*) FROM tokens")[0][0] == TOKENS_KEPT_PER_USER
    db.close()


def test_unknown_methods_and_routes_collapse_into_one_label_value_each():
    metrics = SpecMetrics([Metric("http_requests_total", "counter", "R.", labels=("method", "route", "status")),
                           Metric("http_request_duration_seconds", "histogram", "D.", labels=("method", "route"))])
    recorder = HttpMetrics(metrics)
    for i in range(500):
        recorder.record({"method": f"M{i}", "path": f"/x/{i}"}, 404, 0.001)
    text = metrics.exposition().decode()
    assert 'http_requests_total{method="other",route="unmatched",status="404"} 500.0' in text
    assert text.count("http_requests_total{") == 1


ERROR_TYPES = [(200, None), (302, None), (400, "validation"), (401, "client"), (404, "client"), (408, "timeout"),
               (413, "validation"), (422, "validation"), (500, "server"), (503, "server"), (504, "timeout")]


@pytest.mark.parametrize("status, kind", ERROR_TYPES, ids=[str(s) for s, _ in ERROR_TYPES])
def test_each_status_counts_as_the_error_type_its_class_means(status, kind):
    assert error_type(status) == kind
