"""Every file of one spec for one target, as data with its path: the renderers in the order they run.

The common configs are the same for every target (each renderer asks the target what differs); the
target adds its own files. Serialising and writing are the output package's; this stays pure.
"""

from __future__ import annotations

from collections.abc import Iterator

from stackgen.model import Spec
from stackgen.render.docs import render_monitoring_guide
from stackgen.render.grafana_provisioning import render_dashboard_provider, render_datasources
from stackgen.render.prometheus import render_prometheus_config
from stackgen.render.tool_files import tool_documents
from stackgen.targets import layout
from stackgen.targets.base import Document, Placement, Target


def render_documents(spec: Spec, target: Target, placement: Placement = Placement()) -> Iterator[Document]:
    """Every output of `spec` as data, one at a time, in the order the renderers run. Pure: same inputs, same
    documents. Each is rendered when the one before it has been taken, so a caller that serialises them as they
    come holds the data of one at a time: on a large spec the dashboards as data are several times their JSON."""
    if spec.dashboards:  # grafanalib is the slowest import: loaded only when a dashboard is drawn
        from stackgen.render.grafana import render_dashboard
    yield Document(layout.PROMETHEUS_CONFIG, render_prometheus_config(spec, target), "yaml")
    yield from tool_documents(spec, target)
    yield Document(layout.GUIDE, render_monitoring_guide(spec, placement), "text")
    yield Document(layout.DATASOURCES, render_datasources(spec, target), "yaml")
    yield Document(layout.DASHBOARD_PROVIDER, render_dashboard_provider(spec), "yaml")
    for dashboard in spec.dashboards:
        yield Document(layout.dashboard_file(dashboard.uid), render_dashboard(dashboard), "json")
    yield from target.own_documents(spec, placement)

