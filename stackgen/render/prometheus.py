"""prometheus.yml: global settings, Alertmanager wiring, rule files and one scrape job per target."""

from __future__ import annotations

from typing import Any

from stackgen.model import Spec
from stackgen.render.remote_write import alert_relabel_configs, external_labels, render_remote_write
from stackgen.render.rule_files import rule_file_paths
from stackgen.render.web_config import WEB_USER
from stackgen.targets.base import Target
from stackgen.targets.layout import PROMETHEUS_CONFIG, folder_of, relative


def _job(name: str, address: str, labels: dict, **options) -> dict:
    job = {"job_name": name, **{k: v for k, v in options.items() if v is not None}}
    job["static_configs"] = [{"targets": [address], "labels": labels}] if labels else [{"targets": [address]}]
    return job


def _web_auth(spec: Spec, target: Target) -> dict[str, Any]:
    """Basic auth for calls to the stack's own Prometheus and Alertmanager, when they ask for it."""
    password_file = target.web_password_file(spec)
    return {"basic_auth": {"username": WEB_USER, "password_file": password_file}} if password_file else {}


def render_prometheus_config(spec: Spec, target: Target) -> dict:
    settings, auth = spec.settings, _web_auth(spec, target)
    global_: dict[str, Any] = {"scrape_interval": settings.scrape_interval, "evaluation_interval": settings.evaluation_interval}
    if settings.scrape_timeout:
        global_["scrape_timeout"] = settings.scrape_timeout
    if labels := external_labels(spec):
        global_["external_labels"] = labels
    jobs = [
        _job("prometheus", target.component(spec, "prometheus"), {}, **auth),
        _job("alertmanager", target.component(spec, "alertmanager"), {}, **auth),
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
    config = {
        "global": global_,
        "alerting": {**alert_relabel_configs(spec),
                     "alertmanagers": [{**auth, "static_configs": [{"targets": [target.component(spec, "alertmanager")]}]}]},
        # Relative: Prometheus resolves them from the folder of prometheus.yml.
        "rule_files": [relative(path, folder_of(PROMETHEUS_CONFIG)) for path in rule_file_paths(spec)],
        "scrape_configs": jobs,
    }
    if settings.remote_write:
        config["remote_write"] = render_remote_write(spec)
    return config
