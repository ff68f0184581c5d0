"""The domain model every renderer reads: frozen, defaults applied, thresholds substituted.

Built once from a checked spec by `stackgen.spec.build`; renderers never see raw YAML.
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any, Literal

from stackgen.frozen import Frozen

if TYPE_CHECKING:  # the SLO model lives with its processor, which imports this module
    from stackgen.process.slo_model import SLO

SEVERITIES = ("critical", "warning", "info")
RUNBOOK_GUIDE = "docs/MONITORING.md"  # the rendered guide, relative to the output folder

# Series a metric type puts on the wire (prometheus_client also adds `_created`; not relied on).
SERIES_SUFFIXES = {
    "counter": ("",),
    "gauge": ("",),
    "histogram": ("_bucket", "_sum", "_count"),
    "summary": ("", "_sum", "_count"),
    "untyped": ("",),  # exporters only: a value the exporter gives no type
}


class Service(Frozen):
    name: str
    title: str
    description: str
    port: int
    metrics_path: str = "/metrics"
    scheme: str = "http"
    health: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    scrape_interval: str | None = None
    image: str | None = None
    command: tuple[str, ...] = ()


class Metric(Frozen):
    name: str
    type: str
    help: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] | None = None
    group: str = "general"
    unit: str = ""
    reference_name: str | None = None
    service: str | None = None

    @property
    def series_names(self) -> tuple[str, ...]:
        return tuple(self.name + s for s in SERIES_SUFFIXES[self.type])


class Exporter(Frozen):
    """An exporter with its catalog kind's defaults applied; `image` is the spec's, `default_image` the catalog's."""

    kind: str
    name: str
    port: int
    image: str | None = None
    metrics_path: str = "/metrics"
    params: dict[str, tuple[str, ...]] = field(default_factory=dict)
    scrape_interval: str | None = None
    environment: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)  # variable -> the file path it names
    command: tuple[str, ...] = ()  # how `stackgen up` runs it; {host} and {port} filled in
    metrics: tuple[Metric, ...] = ()  # catalog's and declared: what it exposes
    default_image: str | None = None  # None: the stack's own pin for the kind (node)
    listen_args: tuple[str, ...] = ()  # arguments that make it listen on {host}:{port}
    binaries: tuple[str, ...] = ()  # names of its binary on PATH
    volumes: tuple[str, ...] = ()
    hardened: bool = True
    health_path: str | None = None  # what the compose healthcheck fetches; None: the image has no wget


class Threshold(Frozen):
    name: str
    value: float | int
    unit: str = ""
    description: str = ""


class RecordingRule(Frozen):
    record: str
    expr: str
    labels: dict[str, str] = field(default_factory=dict)
    description: str = ""
    group: str | None = None  # a RecordingGroup's name; None: the spec's own <system>-recording group


class RecordingGroup(Frozen):
    """A named group of recording rules; its rules are the spec's recording rules that name it."""

    name: str
    interval: str | None = None
    limit: int | None = None


class AlertTest(Frozen):
    name: str
    series: tuple[tuple[str, str], ...]
    at: str
    fires: bool
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    interval: str = "1m"  # spacing of the input samples
    value: float | None = None  # the alert's $value at `at`, for annotations that print it
    exact_labels: bool = False  # True: `labels` is the whole expected label set, nothing derived or added


class Runbook(Frozen):
    meaning: str = ""
    causes: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()


class Alert(Frozen):
    name: str
    group: str
    expr: str  # thresholds substituted: what Prometheus evaluates
    source_expr: str  # as written in the spec, for docs
    severity: str
    summary: str
    description: str = ""
    for_: str | None = None
    keep_firing_for: str | None = None
    service: str | None = None
    runbook_url: str | None = None  # None: the generated guide's section is the runbook
    threshold: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    tests: tuple[AlertTest, ...] = ()
    runbook: Runbook = field(default_factory=Runbook)
    verify_skip: str | None = None  # why `stackgen verify` cannot prove it live; None: it must be proven

    @property
    def anchor(self) -> str:
        """Markdown heading anchor of this alert's runbook section in the guide."""
        return f"{self.name.lower()}-{self.severity}"


class AlertGroup(Frozen):
    name: str
    title: str
    alerts: tuple[Alert, ...]
    interval: str | None = None
    limit: int | None = None


class Receiver(Frozen):
    name: str
    kind: str  # slack | email | pagerduty | webhook | null
    config: dict[str, Any] = field(default_factory=dict)


class Route(Frozen):
    matchers: tuple[str, ...]
    receiver: str
    continue_: bool = False
    group_by: tuple[str, ...] | None = None
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    routes: tuple[Route, ...] = ()
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()


class InhibitRule(Frozen):
    source_matchers: tuple[str, ...]
    target_matchers: tuple[str, ...]
    equal: tuple[str, ...] = ()
    description: str = ""


class TimeInterval(Frozen):
    name: str
    periods: tuple[dict[str, Any], ...]  # as Alertmanager reads them


class RouteTest(Frozen):
    labels: dict[str, str]
    receivers: tuple[str, ...]
    description: str = ""


class Routing(Frozen):
    receiver: str
    receivers: tuple[Receiver, ...]
    group_by: tuple[str, ...] = ("alertname", "service")
    group_wait: str = "30s"
    group_interval: str = "5m"
    repeat_interval: str = "4h"
    routes: tuple[Route, ...] = ()
    inhibit_rules: tuple[InhibitRule, ...] = ()
    tests: tuple[RouteTest, ...] = ()
    time_intervals: tuple[TimeInterval, ...] = ()


class Query(Frozen):
    expr: str
    legend: str = ""
    instant: bool = False
    format: str = "time_series"


class PanelThreshold(Frozen):
    value: float | int | None  # None: the base colour
    color: str
    threshold: str | None = None  # the spec threshold it came from, if any


class Panel(Frozen):
    title: str
    type: str
    queries: tuple[Query, ...]
    width: int
    height: int
    description: str = ""
    unit: str = "short"
    decimals: int | None = None
    min: float | None = None
    max: float | None = None
    stack: bool = False
    thresholds: tuple[PanelThreshold, ...] = ()
    empty_when_healthy: bool = False  # `stackgen verify` expects no data on a healthy system


class Row(Frozen):
    title: str | None
    panels: tuple[Panel, ...]
    collapsed: bool = False


class Variable(Frozen):
    name: str
    query: str  # a query variable's query; empty for the other types
    label: str = ""
    multi: bool = False
    include_all: bool = False
    type: str = "query"  # query, custom or datasource
    values: tuple[str, ...] = ()  # a custom variable's values
    default: str = ""  # a custom variable's first pick
    regex: str = ""


class Dashboard(Frozen):
    uid: str
    title: str
    rows: tuple[Row, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    refresh: str = "30s"
    time_from: str = "now-6h"
    time_to: str = "now"
    variables: tuple[Variable, ...] = ()

    @property
    def panels(self) -> tuple[Panel, ...]:
        return tuple(p for row in self.rows for p in row.panels)

    @property
    def datasource_variable(self) -> Variable | None:
        """The spec's data source variable, which every panel reads; None: the renderer adds its own."""
        return next((v for v in self.variables if v.type == "datasource"), None)


class Stack(Frozen):
    bind_address: str = "127.0.0.1"
    web_auth: bool = True  # basic auth on Prometheus and Alertmanager (compose and local stacks)
    ports: dict[str, int] = field(default_factory=dict)
    images: dict[str, str] = field(default_factory=dict)


class KubernetesSettings(Frozen):
    """`settings.kubernetes`; the spec model (stackgen.spec.v1.kubernetes) owns the defaults and descriptions."""

    namespace: str
    labels: dict[str, str]
    selector_labels: dict[str, str]
    monitor: Literal["ServiceMonitor", "PodMonitor"]
    port_name: str
    alertmanager: Literal["AlertmanagerConfig", "Secret"]
    dashboard_label: str
    dashboard_label_value: str
    datasource_label: str
    prometheus_url: str | None


class RemoteWrite(Frozen):
    """One `settings.remote_write` endpoint; queue and relabel steps keep prometheus.yml's keys, defaults left out."""

    name: str
    backend: Literal["thanos", "mimir", "cortex", "victoriametrics"]
    url: str
    tenant: str | None = None
    username: str | None = None
    password_file: str | None = None  # with username: basic auth
    credentials_file: str | None = None  # a bearer token
    remote_timeout: str | None = None
    queue_config: dict[str, int | str] = field(default_factory=dict)
    write_relabel_configs: tuple[dict[str, Any], ...] = ()


class Settings(Frozen):
    scrape_interval: str = "15s"
    evaluation_interval: str = "15s"
    scrape_timeout: str | None = None
    retention_time: str = "15d"
    retention_size: str | None = None
    external_labels: dict[str, str] = field(default_factory=dict)
    runbook_base_url: str | None = None
    kubernetes: KubernetesSettings = field(kw_only=True)
    remote_write: tuple[RemoteWrite, ...] = ()
    replicas: int = 1
    replica_label: str = "prometheus_replica"


class Spec(Frozen):
    file: str  # display name used in headers: the spec file's base name
    name: str
    title: str
    description: str
    settings: Settings
    services: tuple[Service, ...]
    exporters: tuple[Exporter, ...]
    metrics: tuple[Metric, ...]
    thresholds: dict[str, Threshold]
    recording_rules: tuple[RecordingRule, ...]
    alert_groups: tuple[AlertGroup, ...]
    routing: Routing | None
    dashboards: tuple[Dashboard, ...]
    stack: Stack
    slos: tuple[SLO, ...] = ()  # expanded into rules, alerts and a dashboard by process.slo; the guide reads them
    recording_groups: tuple[RecordingGroup, ...] = ()  # named groups; their rules are in recording_rules

    def runbook_link(self, alert: Alert) -> str | None:
        """The alert's own runbook URL, else its section of the guide where the spec says it is published.

        None without either: a path relative to the output folder would be a dead link in every notification.
        """
        if alert.runbook_url:
            return alert.runbook_url
        base = self.settings.runbook_base_url
        return f"{base}#{alert.anchor}" if base else None

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return tuple(a for g in self.alert_groups for a in g.alerts)

    def metric(self, name: str) -> Metric | None:
        return next((m for m in self.metrics if m.name == name), None)
