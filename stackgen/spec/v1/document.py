"""Spec v1: the document itself, its settings, and the local stack that runs it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from stackgen.spec.v1 import API_VERSION
from stackgen.spec.v1.common import Duration, LabelMap, Name, Port, SpecModel, Text, text_type
from stackgen.spec.v1.dashboards import Dashboard
from stackgen.spec.v1.routing import Routing
from stackgen.spec.v1.rules import AlertGroup, RecordingRule, Threshold
from stackgen.spec.v1.services import Exporter, Metric, Service, System

Size = text_type(40, pattern=r"^[0-9]+(B|KB|MB|GB|TB|PB)$", fmt="a size with a unit B, KB, MB, GB, TB or PB, e.g. 50GB")
WebUrl = text_type(4000, pattern=r"^https?://\S+$", fmt="an http(s) URL")


class Retention(SpecModel):
    time: Duration = Field("15d", description="How long Prometheus keeps samples.")
    size: Size | None = Field(None, description="The most disk Prometheus uses for samples, e.g. 50GB.")


class Settings(SpecModel):
    scrape_interval: Duration = Field("15s", description="How often Prometheus scrapes every target.")
    evaluation_interval: Duration = Field("15s", description="How often Prometheus evaluates rules.")
    scrape_timeout: Duration | None = Field(None, description="How long a scrape may take. Defaults to Prometheus' "
                                                              "own default (10s, at most the interval).")
    retention: Retention = Field(default_factory=Retention, description="How much history Prometheus keeps.")
    external_labels: LabelMap = Field(default_factory=dict, description="Labels added to every series and alert "
                                                                        "that leaves this Prometheus.")
    runbook_base_url: WebUrl | None = Field(None, description="Where the rendered MONITORING.md is published; "
                                                              "alerts link to their section there.")


class StackPorts(SpecModel):
    prometheus: Port = Field(9090, description="The host port of Prometheus.")
    alertmanager: Port = Field(9093, description="The host port of Alertmanager.")
    grafana: Port = Field(3000, description="The host port of Grafana.")
    webhook: Port = Field(9095, description="The host port of the local notification sink.")


class StackImages(SpecModel):
    prometheus: Text | None = Field(None, description="The Prometheus image. Defaults to the pinned release.")
    alertmanager: Text | None = Field(None, description="The Alertmanager image. Defaults to the pinned release.")
    grafana: Text | None = Field(None, description="The Grafana image. Defaults to the pinned release.")
    node_exporter: Text | None = Field(None, description="The node-exporter image. Defaults to the pinned release.")


class Stack(SpecModel):
    bind_address: Text = Field("127.0.0.1", max_length=64, description="The host address the stack's ports bind to.")
    ports: StackPorts = Field(default_factory=StackPorts, description="The host ports of the stack's components.")
    images: StackImages = Field(default_factory=StackImages, description="Container images of the compose stack.")


class SpecV1(SpecModel):
    """One declarative spec of what a system exposes and what should wake someone up."""

    api_version: Literal[API_VERSION] = Field(alias="apiVersion", description="The spec format: stackgen/v1.")
    system: System = Field(description="The system the spec describes.")
    settings: Settings = Field(default_factory=Settings, description="Prometheus-wide settings.")
    services: tuple[Service, ...] = Field(min_length=1, description="The services Prometheus scrapes.")
    exporters: tuple[Exporter, ...] = Field((), description="Exporters scraped beside the services.")
    metrics: tuple[Metric, ...] = Field(min_length=1, description="The metrics the services expose.")
    thresholds: dict[Name, Threshold] = Field(default_factory=dict, description="Named numbers alerts and dashboards "
                                                                                "compare with: a number, or a "
                                                                                "mapping with value, unit and "
                                                                                "description.")
    recording_rules: tuple[RecordingRule, ...] = Field((), description="Series Prometheus precomputes.")
    alert_groups: tuple[AlertGroup, ...] = Field((), description="Alerts, in rule groups.")
    routing: Routing | None = Field(None, description="Who is told about which alert (Alertmanager).")
    dashboards: tuple[Dashboard, ...] = Field((), description="Grafana dashboards.")
    stack: Stack = Field(default_factory=Stack, description="The local monitoring stack: ports and images.")
