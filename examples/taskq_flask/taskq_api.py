"""A small Taskq API in Flask, instrumented from specs/taskq.yaml: the example of `stackgen.instrument`.

Its metrics come from `taskq_api_metrics`, the typed module `stackgen codegen python` writes from the spec
(so the names, types, labels and buckets are the spec's and an editor completes them), and its HTTP metrics
from `instrument_flask`, labelled by URL rule. Run it with `flask --app taskq_api run` in this folder.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from flask import Flask, Response, abort, jsonify
from prometheus_client import CollectorRegistry
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from taskq_api_metrics import ApiMetrics

from stackgen.instrument import instrument_flask

VERSION = "0.1.0"
# The queues the API knows: a fixed set, so the queue label has a bounded number of values.
QUEUES = ("email", "invoices", "images")


def _oldest_age(waiting: deque[float]) -> Callable[[], float]:
    return lambda: time.time() - waiting[0] if waiting else 0.0


def create_app(registry: CollectorRegistry | None = None) -> Flask:
    """The API with its own metrics registry (a fresh one by default, so each test starts clean)."""
    app = Flask(__name__)
    metrics = ApiMetrics(registry)
    app.extensions["metrics"] = metrics
    instrument_flask(app, metrics.spec_metrics)
    queues: dict[str, deque[float]] = {name: deque() for name in QUEUES}  # enqueue times, oldest first
    metrics.taskq_build_info.labels(version=VERSION).set(1)
    for name, waiting in queues.items():  # read when scraped, so always current
        metrics.queue_depth.labels(queue=name).set_function(waiting.__len__)
        metrics.queue_oldest_job_age_seconds.labels(queue=name).set_function(_oldest_age(waiting))

    def queue_of(name: str) -> deque[float]:
        if name not in queues:
            abort(404, f"no queue '{name}'")
        return queues[name]

    @app.post("/jobs/<queue>")
    def enqueue(queue: str) -> tuple[Response, int]:
        queue_of(queue).append(time.time())
        metrics.jobs_enqueued_total.labels(queue=queue).inc()
        return jsonify({"queue": queue, "depth": len(queues[queue])}), 202

    @app.post("/jobs/<queue>/take")
    def take(queue: str) -> Response:
        waiting = queue_of(queue)
        if not waiting:
            abort(404, f"queue '{queue}' is empty")
        enqueued = waiting.popleft()
        return jsonify({"queue": queue, "waited_seconds": round(time.time() - enqueued, 3)})

    @app.get("/health/live")
    def live() -> Response:
        return jsonify({"status": "ok"})

    @app.get("/metrics")
    def exposition() -> Response:
        return Response(generate_latest(metrics.registry), content_type=CONTENT_TYPE_LATEST)

    return app
