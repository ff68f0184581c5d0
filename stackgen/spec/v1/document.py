"""Spec v1: the document itself, its settings, and the local stack that runs it."""

from typing import Annotated

from pydantic import Field, Strict, StringConstraints

from stackgen.spec.v1 import ApiVersion
from stackgen.spec.v1.common import Bool, Duration, Format, LabelMap, LabelName, Name, Port, SpecModel, Text, section_defaults
from stackgen.spec.v1.dashboards import Dashboard
from stackgen.spec.v1.exporters import Exporter
from stackgen.spec.v1.kubernetes import KubernetesSettings
from stackgen.spec.v1.remote import RemoteWrite, Replicas
from stackgen.spec.v1.routing import Routing
from stackgen.spec.v1.rules import AlertGroup, RecordingGroup, RecordingRule, Threshold
from stackgen.spec.v1.services import Metric, Service, System
from stackgen.spec.v1.slos import SLO

Size = Annotated[str, Strict(), StringConstraints(max_length=40, pattern=r"^[0-9]+(B|KB|MB|GB|TB|PB)$"),
                 Format("a size with a unit B, KB, MB, GB, TB or PB, e.g. 50GB")]
WebUrl = Annotated[str, Strict(), StringConstraints(max_length=4000, pattern=r"^https?://\S+$"),
                   Format("where the rendered MONITORING.md is published: an http(s) URL")]


class Retention(SpecModel):
    time: Duration = Field(default="15d", description="How long Prometheus keeps samples.")
    size: Size | None = Field(default=None, description="The most disk Prometheus uses for samples, e.g. 50GB.")


class Settings(SpecModel):
    scrape_interval: Duration = Field(default="15s", description="How often Prometheus scrapes every target.")
    evaluation_interval: Duration = Field(default="15s", description="How often Prometheus evaluates rules.")
    scrape_timeout: Duration | None = Field(default=None, description="How long a scrape may take. Defaults to Prometheus' "
                                                              "own default (10s, at most the interval).")
    retention: Retention = Field(default_factory=section_defaults(Retention), description="How much history Prometheus keeps.")
    external_labels: LabelMap = Field(default_factory=dict, description="Labels added to every series and alert "
                                                                        "that leaves this Prometheus.")
    runbook_base_url: WebUrl | None = Field(default=None, description="Where the rendered MONITORING.md is published; "
                                                              "alerts link to their section there.")
    kubernetes: KubernetesSettings = Field(default_factory=section_defaults(KubernetesSettings),
                                           description="How --target kubernetes renders for the Prometheus Operator.")
    remote_write: tuple[RemoteWrite, ...] = Field(default=(), description="Endpoints Prometheus sends every sample "
                                                                          "to: Thanos Receive, Mimir, Cortex or "
                                                                          "VictoriaMetrics.")
    replicas: Replicas = Field(default=1, description="How many identical Prometheus servers scrape the same "
                                                      "targets. Above 1, each carries the replica label, so "
                                                      "Thanos or Mimir can deduplicate their samples.")
    replica_label: LabelName = Field(default="prometheus_replica", description="The external label that tells "
                                                                               "the replicas apart.")


class StackPorts(SpecModel):
    prometheus: Port = Field(default=9090, description="The host port of Prometheus.")
    alertmanager: Port = Field(default=9093, description="The host port of Alertmanager.")
    grafana: Port = Field(default=3000, description="The host port of Grafana.")
    webhook: Port = Field(default=9095, description="The host port of the local notification sink.")


class StackImages(SpecModel):
    prometheus: Text | None = Field(default=None, description="The Prometheus image. Defaults to the pinned release.")
    alertmanager: Text | None = Field(default=None, description="The Alertmanager image. Defaults to the pinned release.")
    grafana: Text | None = Field(default=None, description="The Grafana image. Defaults to the pinned release.")
    node_exporter: Text | None = Field(default=None, description="The node-exporter image. Defaults to the pinned release.")


class Stack(SpecModel):
    bind_address: Text = Field(default="127.0.0.1", max_length=64,
                               description="The IP address the stack's ports are published on (127.0.0.1: this "
                                           "machine only).")
    accept_unauthenticated_exposure: Bool = Field(
        default=False, description="Set true to allow bind_address 0.0.0.0 or ::, which publishes Alertmanager and "
                                   "Prometheus on every interface: their password over plain HTTP, or no "
                                   "authentication at all with web_auth: false.")
    web_auth: Bool = Field(default=True, description=(
        "Basic auth on Prometheus' and Alertmanager's HTTP API (a web config with a bcrypt hash; user stackgen), "
        "in the compose and local stacks. Their own clients (Prometheus, Grafana, stackgen verify) authenticate."))
    ports: StackPorts = Field(default_factory=section_defaults(StackPorts),
                              description="The host ports of the stack's components.")
    images: StackImages = Field(default_factory=section_defaults(StackImages),
                                description="Container images of the compose stack.")


class SpecV1(SpecModel):
    """One declarative spec of what a system exposes and what should wake someone up."""

    api_version: ApiVersion = Field(alias="apiVersion", description="The spec format: stackgen/v1.")
    system: System | None = Field(default=None, description="The system the spec describes. Left out (a rules-only "
                                                            "spec): named after the spec file.")
    settings: Settings = Field(default_factory=section_defaults(Settings), description="Prometheus-wide settings.")
    services: tuple[Service, ...] = Field(default=(), description="The services Prometheus scrapes; none in a "
                                                                  "rules-only spec.")
    exporters: tuple[Exporter, ...] = Field(default=(), description="Exporters scraped beside the services: catalog kinds "
                                                           "(node, postgres, redis, ...) or custom.")
    metrics: tuple[Metric, ...] = Field(default=(), description="The metrics the services expose, and those the "
                                                                "rules read.")
    thresholds: dict[Name, Threshold] = Field(default_factory=dict, description="Named numbers alerts and dashboards "
                                                                                "compare with: a number, or a "
                                                                                "mapping with value, unit and "
                                                                                "description.")
    recording_rules: tuple[RecordingRule, ...] = Field(default=(), description="Series Prometheus precomputes, in "
                                                                                "one group named <system>-recording.")
    recording_groups: tuple[RecordingGroup, ...] = Field(default=(), description="Recording rules in named groups, "
                                                                                 "each with its own interval.")
    alert_groups: tuple[AlertGroup, ...] = Field(default=(), description="Alerts, in rule groups.")
    slos: tuple[SLO, ...] = Field(default=(), description="Service level objectives: each becomes burn-rate "
                                                          "recording rules, page and ticket alerts, their tests "
                                                          "and a dashboard row.")
    routing: Routing | None = Field(default=None, description="Who is told about which alert (Alertmanager).")
    dashboards: tuple[Dashboard, ...] = Field(default=(), description="Grafana dashboards.")
    stack: Stack = Field(default_factory=section_defaults(Stack), description="The local monitoring stack: ports and images.")
