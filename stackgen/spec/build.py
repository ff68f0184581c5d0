"""Map the typed spec onto the domain model renderers read: thresholds substituted, routes fanned out.

Defaults are the typed models' own; this module only changes shape.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from typing import Any

from stackgen import model as m
from stackgen.process import slo_model as slo
from stackgen.promql import substitute_thresholds
from stackgen.spec.exporter_catalog import build_exporter
from stackgen.spec.v1 import dashboards as d
from stackgen.spec.v1 import remote, rules
from stackgen.spec.v1 import routing as r
from stackgen.spec.v1 import slos as s
from stackgen.spec.v1.common import field_values
from stackgen.spec.v1.document import SpecV1

Substitute = Callable[[str], str]


def _alert(alert: rules.Alert, group: str, sub: Substitute) -> m.Alert:
    tests = tuple(m.AlertTest(t.name, tuple(t.series.items()), t.at, t.fires, dict(t.labels),
                              {k: sub(v) for k, v in t.annotations.items()}, t.interval, t.value, t.exact_labels)
                  for t in alert.tests)
    return m.Alert(
        name=alert.name, group=group, expr=sub(alert.expr), source_expr=alert.expr, severity=alert.severity,
        summary=sub(alert.summary), description=sub(alert.description), for_=alert.for_, keep_firing_for=alert.keep_firing_for,
        service=alert.service,
        runbook_url=alert.runbook_url, threshold=alert.threshold, labels=dict(alert.labels),
        annotations={k: sub(v) for k, v in alert.annotations.items()}, tests=tests,
        runbook=m.Runbook(alert.runbook.meaning, alert.runbook.causes, alert.runbook.steps),
        verify_skip=alert.verify.skip if alert.verify else None)


def _route(route: r.Route, inherited: str) -> list[m.Route]:
    """One spec route; `receivers: [a, b]` fans out to sibling routes that continue to the next. A route that
    names no receiver sends to its parent's, as Alertmanager reads it: the model names that one."""
    receivers = route.targets or (inherited,)
    return [m.Route(matchers=route.matchers, receiver=receiver,
                    continue_=route.continue_ if i == len(receivers) - 1 else True, group_by=route.group_by,
                    group_wait=route.group_wait, group_interval=route.group_interval,
                    repeat_interval=route.repeat_interval,
                    routes=tuple(child for spec_child in route.routes for child in _route(spec_child, receiver)),
                    mute_time_intervals=route.mute_time_intervals, active_time_intervals=route.active_time_intervals)
            for i, receiver in enumerate(receivers)]


def _routing(routing: r.Routing | None) -> m.Routing | None:
    if routing is None:
        return None
    return m.Routing(
        receiver=routing.receiver,
        receivers=tuple(m.Receiver(x.name, x.kind, x.config) for x in routing.receivers),
        group_by=routing.group_by, group_wait=routing.group_wait, group_interval=routing.group_interval,
        repeat_interval=routing.repeat_interval,
        routes=tuple(built for route in routing.routes for built in _route(route, routing.receiver)),
        inhibit_rules=tuple(m.InhibitRule(i.source_matchers, i.target_matchers, i.equal, i.description)
                            for i in routing.inhibit_rules),
        tests=tuple(m.RouteTest(dict(t.labels), t.receivers, t.description) for t in routing.tests),
        time_intervals=tuple(m.TimeInterval(t.name, tuple(p.model_dump(mode="json", exclude_defaults=True)
                                                                for p in t.time_intervals))
                             for t in routing.time_intervals))


def _panel(panel: d.Panel, thresholds: dict[str, m.Threshold], sub: Substitute) -> m.Panel:
    steps = []
    for step in panel.thresholds:
        if isinstance(step.value, str):
            steps.append(m.PanelThreshold(thresholds[step.value].value, step.color, step.value))
        else:
            steps.append(m.PanelThreshold(step.value, step.color))
    if steps and steps[0].value is not None:  # Grafana needs a base step: green unless the spec gives one
        steps.insert(0, m.PanelThreshold(None, "green"))
    return m.Panel(
        title=panel.title, type=panel.type, width=panel.width, height=panel.height,
        queries=tuple(m.Query(sub(q.expr), q.legend, q.instant, q.format) for q in panel.queries),
        description=panel.description, unit=panel.unit, decimals=panel.decimals, min=panel.min, max=panel.max,
        stack=panel.stack, thresholds=tuple(steps), empty_when_healthy=panel.empty_when_healthy)


def _dashboard(dashboard: d.Dashboard, thresholds: dict[str, m.Threshold], sub: Substitute) -> m.Dashboard:
    return m.Dashboard(
        uid=dashboard.uid, title=dashboard.title, description=dashboard.description, tags=dashboard.tags,
        refresh=dashboard.refresh, time_from=dashboard.time.from_, time_to=dashboard.time.to,
        variables=tuple(m.Variable(v.name, v.query, v.label, v.multi, v.include_all, v.type, v.values, v.default,
                                   v.regex) for v in dashboard.variables),
        rows=tuple(m.Row(row.title, tuple(_panel(p, thresholds, sub) for p in row.panels), row.collapsed)
                   for row in dashboard.rows))


def _remote_write(endpoint: remote.RemoteWrite) -> m.RemoteWrite:
    basic, token = endpoint.basic_auth, endpoint.authorization
    return m.RemoteWrite(
        name=endpoint.name, backend=endpoint.backend, url=endpoint.url, tenant=endpoint.tenant,
        username=basic.username if basic else None, password_file=basic.password_file if basic else None,
        credentials_file=token.credentials_file if token else None, remote_timeout=endpoint.remote_timeout,
        queue_config=field_values(endpoint.queue_config, exclude_none=True),
        # Defaults left out (Prometheus applies the same ones), the action always written.
        write_relabel_configs=tuple(
            step.model_dump(mode="json", exclude_defaults=True, exclude_none=True) | {"action": step.action}
            for step in endpoint.write_relabel_configs))


def build_slo(spec_slo: s.SLO) -> slo.SLO:
    """The processor's SLO of a spec SLO; the SLO checks read it too."""
    sli, alerting = spec_slo.sli, spec_slo.alerting
    form: slo.RatioSLI | slo.BucketSLI
    if sli.latency is not None:
        form = slo.BucketSLI(sli.latency.metric, sli.latency.le, sli.latency.selector)
    else:  # the checks made sure the ratio form is complete
        form = slo.RatioSLI(sli.errors or "", sli.total or "")
    return slo.SLO(
        service=spec_slo.service, name=spec_slo.name, objective=float(spec_slo.objective), sli=form,
        window=spec_slo.window, description=spec_slo.description, labels=dict(spec_slo.labels),
        alerting=slo.SLOAlerting(
            enabled=alerting.enabled, page_severity=alerting.page.severity, ticket_severity=alerting.ticket.severity,
            page_labels=dict(alerting.page.labels), ticket_labels=dict(alerting.ticket.labels),
            page_name=alerting.page.name, ticket_name=alerting.ticket.name, tests=alerting.tests))


def system_name(spec: SpecV1, file: str) -> str:
    """The system's name; a rules-only spec without `system:` is named after its file (`node.rules.yaml` -> `node`)."""
    if spec.system is not None:
        return spec.system.name
    stem = os.path.basename(file).split(".")[0].lower()
    return re.sub(r"^[^a-z]+", "", re.sub(r"[^a-z0-9_-]+", "-", stem)).strip("-_")[:63] or "rules"


def _recording_rules(spec: SpecV1, sub: Substitute) -> tuple[m.RecordingRule, ...]:
    grouped: list[tuple[str | None, rules.RecordingRule]] = [(None, rule) for rule in spec.recording_rules]
    grouped += [(group.name, rule) for group in spec.recording_groups for rule in group.rules]
    return tuple(m.RecordingRule(x.record, sub(x.expr), dict(x.labels), x.description, group) for group, x in grouped)


def build_spec(spec: SpecV1 | Mapping[str, Any], file: str) -> m.Spec:
    """The domain model of a checked spec; `file` is the spec's path, of which the model keeps the base name."""
    if not isinstance(spec, SpecV1):
        spec = SpecV1.model_validate(spec)
    thresholds = {name: m.Threshold(name, t.value, t.unit, t.description) for name, t in sorted(spec.thresholds.items())}
    values = {name: t.value for name, t in thresholds.items()}

    def sub(text: str) -> str:
        return substitute_thresholds(text, values)

    settings, stack = spec.settings, spec.stack
    return m.Spec(
        file=os.path.basename(file), name=system_name(spec, file),
        title=spec.system.title if spec.system else system_name(spec, file),
        description=spec.system.description if spec.system else "",
        settings=m.Settings(
            scrape_interval=settings.scrape_interval, evaluation_interval=settings.evaluation_interval,
            scrape_timeout=settings.scrape_timeout, retention_time=settings.retention.time,
            retention_size=settings.retention.size, external_labels=dict(settings.external_labels),
            runbook_base_url=settings.runbook_base_url,
            kubernetes=m.KubernetesSettings(**field_values(settings.kubernetes)),
            remote_write=tuple(_remote_write(x) for x in settings.remote_write), replicas=settings.replicas,
            replica_label=settings.replica_label),
        services=tuple(m.Service(
            name=s.name, title=s.title, description=s.description, port=s.port, metrics_path=s.metrics_path,
            scheme=s.scheme, health=field_values(s.health, exclude_none=True), labels=dict(s.labels),
            scrape_interval=s.scrape_interval, image=s.image, command=s.command) for s in spec.services),
        exporters=tuple(build_exporter(e) for e in spec.exporters),
        metrics=tuple(m.Metric(
            name=x.name, type=x.type, help=x.help, labels=x.labels, buckets=x.buckets, group=x.group, unit=x.unit,
            reference_name=x.reference_name, service=x.service) for x in spec.metrics),
        thresholds=thresholds,
        recording_rules=_recording_rules(spec, sub),
        recording_groups=tuple(m.RecordingGroup(g.name, g.interval, g.limit) for g in spec.recording_groups),
        alert_groups=tuple(m.AlertGroup(g.name, g.title, tuple(_alert(a, g.name, sub) for a in g.alerts), g.interval,
                                        g.limit) for g in spec.alert_groups),
        routing=_routing(spec.routing),
        dashboards=tuple(_dashboard(x, thresholds, sub) for x in spec.dashboards),
        slos=tuple(build_slo(x) for x in spec.slos),
        stack=m.Stack(bind_address=stack.bind_address, web_auth=stack.web_auth, ports=field_values(stack.ports),
                      images=field_values(stack.images, exclude_none=True)),
    )
