"""All artifacts of one spec for one target, as serialised bytes keyed by their path."""

from __future__ import annotations

from dataclasses import dataclass, field

from stackgen.model import Spec
from stackgen.output.serialize import dump_json, dump_yaml, header
from stackgen.render.alert_tests import TEST_FILE, render_alert_tests
from stackgen.render.alertmanager import render_alertmanager_config
from stackgen.render.compose import COMPOSE_FILE, compose_comments, render_compose
from stackgen.render.docs import GUIDE_FILE, render_monitoring_guide
from stackgen.render.grafana_provisioning import (
    DASHBOARD_PROVIDER_FILE,
    DATASOURCES_FILE,
    dashboard_file,
    render_dashboard_provider,
    render_datasources,
)
from stackgen.render.prometheus import render_prometheus_config
from stackgen.render.rules import render_alert_rules, render_recording_rules
from stackgen.targets import Target


@dataclass
class Artifacts:
    """`files` live in the output folder; `root_files` beside it (the compose file)."""

    files: dict[str, bytes] = field(default_factory=dict)
    root_files: dict[str, bytes] = field(default_factory=dict)


def render_stack(spec: Spec, target: Target, out_name: str = "generated") -> Artifacts:
    """Every output of `spec`, ready to write. Pure: same spec and target, same bytes."""
    source = spec.file
    files = {
        "prometheus/prometheus.yml": dump_yaml(render_prometheus_config(spec, target), source),
        "prometheus/recording.yml": dump_yaml(render_recording_rules(spec), source),
        "prometheus/alerts.yml": dump_yaml(render_alert_rules(spec), source),
        "alertmanager/config.yml": dump_yaml(render_alertmanager_config(spec, target), source),
    }
    alert_tests = render_alert_tests(spec)
    if alert_tests is not None:
        files[TEST_FILE] = dump_yaml(alert_tests, source)
    files[GUIDE_FILE] = render_monitoring_guide(spec).encode("utf-8")
    if spec.dashboards:
        from stackgen.render.grafana import render_dashboard  # grafanalib: loaded only to draw a dashboard
    for dashboard in spec.dashboards:
        files[dashboard_file(dashboard.uid)] = dump_json(render_dashboard(dashboard))
    files[DATASOURCES_FILE] = dump_yaml(render_datasources(spec, target), source)
    files[DASHBOARD_PROVIDER_FILE] = dump_yaml(render_dashboard_provider(spec), source)
    root_files = {}
    if not target.local:  # the compose file runs the compose target's config; `local` has no containers
        root_files[COMPOSE_FILE] = (header(source) + compose_comments(spec, out_name)).encode("utf-8") \
            + dump_yaml(render_compose(spec, out_name), None)
    return Artifacts(files=dict(sorted(files.items())), root_files=root_files)
