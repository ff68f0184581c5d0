"""prometheus.yml: global settings, Alertmanager wiring, rule files and one scrape job per target."""

from __future__ import annotations

from typing import Any

from stackgen.model import Spec
from stackgen.render.rule_files import rule_file_paths
from stackgen.targets.base import Target
from stackgen.targets.layout import PROMETHEUS_CONFIG, folder_of, relative


def _job(name: str, address: str, labels: dict, **options) -> dict:
    job = {"job_name": name, **{k: v for k, v in options.items() if v is not None}}
    job["static_configs"] = [{"targets": [address], "labels": labels}] if labels else [{"targets": [address]}]
    return job


def render_prometheus_config(spec: Spec, target: Target) -> dict:
    settings = spec.settings
    global_: dict[str, Any] = {"scrape_interval": settings.scrape_interval, "evaluation_interval": settings.evaluation_interval}
    if settings.scrape_timeout:
        global_["scrape_timeout"] = settings.scrape_timeout
    if settings.external_labels:
        global_["external_labels"] = dict(sorted(settings.external_labels.items()))
    jobs = [
        _job("prometheus", target.component(spec, "prometheus"), {}),
        _job("alertmanager", target.component(spec, "alertmanager"), {}),
    ]
    for service in spec.services:
        labels = {"service": service.name, **dict(sorted(service.labels.items()))}
        jobs.append(_job(service.name, target.service(service), labels,
                         scrape_interval=service.scrape_interval,
                         metrics_path=service.metrics_path if service.metrics_path != "/metrics" else None,
                         scheme=service.scheme if service.scheme != "http" else None))
    for exporter in spec.exporters:
        params = {k: list(v) for k, v in sorted(exporter.params.items())} or None
        jobs.append(_job(exporter.name, target.exporter(exporter), {}, scrape_interval=exporter.scrape_interval,
                         metrics_path=exporter.metrics_path if exporter.metrics_path != "/metrics" else None,
                         params=params))
    return {
        "global": global_,
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [target.component(spec, "alertmanager")]}]}]},
        # Relative: Prometheus resolves them from the folder of prometheus.yml.
        "rule_files": [relative(path, folder_of(PROMETHEUS_CONFIG)) for path in rule_file_paths(spec)],
        "scrape_configs": jobs,
    }
