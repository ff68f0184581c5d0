"""Every file of one spec for one target, as data with its path: the renderers in the order they run.

The common configs are the same for every target (each renderer asks the target what differs); the
target adds its own files. Serialising and writing are the output package's; this stays pure.
"""

from __future__ import annotations

from stackgen.model import Spec
from stackgen.render.alert_tests import render_test_files
from stackgen.render.alertmanager import render_alertmanager_config
from stackgen.render.docs import render_monitoring_guide
from stackgen.render.grafana_provisioning import render_dashboard_provider, render_datasources
from stackgen.render.prometheus import render_prometheus_config
from stackgen.render.rule_files import render_rule_files
from stackgen.targets import layout
from stackgen.targets.base import Document, Placement, Target


def render_documents(spec: Spec, target: Target, placement: Placement = Placement()) -> tuple[Document, ...]:
    """Every output of `spec` as data, sorted by path. Pure: same inputs, same documents."""
    if spec.dashboards:  # grafanalib is the slowest import: loaded only when a dashboard is drawn
        from stackgen.render.grafana import render_dashboard
    docs = [
        Document(layout.PROMETHEUS_CONFIG, render_prometheus_config(spec, target), "yaml"),
        *(Document(path, rules, "yaml") for path, rules in render_rule_files(spec).items()),
        *(Document(path, tests, "yaml") for path, tests in render_test_files(spec).items()),
        Document(layout.ALERTMANAGER_CONFIG, render_alertmanager_config(spec, target), "yaml"),
        Document(layout.GUIDE, render_monitoring_guide(spec, placement), "text"),
        Document(layout.DATASOURCES, render_datasources(spec, target), "yaml"),
        Document(layout.DASHBOARD_PROVIDER, render_dashboard_provider(spec), "yaml"),
        *(Document(layout.dashboard_file(d.uid), render_dashboard(d), "json") for d in spec.dashboards),
    ]
    docs.extend(target.own_documents(spec, placement))
    return tuple(sorted(docs, key=lambda d: (d.beside, d.path)))
