"""Spec v1: the system, the services Prometheus scrapes, and the metrics they expose."""

from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from stackgen.spec.v1.common import (
    Bool,
    Duration,
    LabelMap,
    MetricName,
    Name,
    Number,
    Port,
    SpecModel,
    Text,
    UniqueLabelNames,
    UrlPath,
    default_from,
    derived,
    section_defaults,
)


class System(SpecModel):
    name: Name = Field(description="The system's name: prefixes dashboards, folders and the compose project.")
    title: Text = derived("", "A human title for the guide and dashboards. Defaults to the name.")
    description: Text = Field(default="", description="What the system does, in a sentence or two; the guide opens with it.")

    @model_validator(mode="before")
    @classmethod
    def _title(cls, data: Any) -> Any:
        return default_from(data, "title", "name")


class Health(SpecModel):
    basic: UrlPath | None = Field(default=None, description="Path that answers 200 while the process runs.")
    live: UrlPath | None = Field(default=None, description="Liveness probe path: fails when the process must be restarted.")
    ready: UrlPath | None = Field(default=None, description="Readiness probe path: fails while the service cannot serve.")


class Service(SpecModel):
    name: Name = Field(description="The service's name; also its Prometheus job name.")
    title: Text = derived("", "A human title. Defaults to the name.")
    description: Text = Field(default="", description="What the service does, for the guide.")
    port: Port = Field(description="The port its metrics endpoint listens on.")
    metrics_path: UrlPath = Field(default="/metrics", description="The path Prometheus scrapes.")
    scheme: Literal["http", "https"] = Field(default="http", description="The scheme Prometheus scrapes with.")
    health: Health = Field(default_factory=section_defaults(Health), description="Health check paths, for the guide and probes.")
    labels: LabelMap = Field(default_factory=dict, description="Labels added to every series scraped from it.")
    scrape_interval: Duration | None = Field(default=None, description="Scrape interval for this service only.")
    image: Text | None = Field(default=None, description="Container image that runs the service in the compose stack.")
    command: tuple[Text, ...] = Field(default=(), description="Command the container runs, as a list of arguments.")
    demo: bool = Field(default=False, description=(
        "Run stackgen's instrumented demo service (`stackgen serve`) for it in the compose stack, built from "
        "the Dockerfile generate writes, instead of an image of your own. A service needs `image:` or `demo: true`."))

    @model_validator(mode="before")
    @classmethod
    def _title(cls, data: Any) -> Any:
        return default_from(data, "title", "name")

    @model_validator(mode="after")
    def _runs_something(self) -> "Service":
        # The compose stack must know what to run: the user's image, or stackgen's demo service.
        if self.image and self.demo:
            raise PydanticCustomError("image_or_demo", "'image:' and 'demo: true' exclude each other: "
                                      "keep 'image:' to run your service, or 'demo: true' to run stackgen's demo")
        if not self.image and not self.demo:
            raise PydanticCustomError("image_or_demo", "no 'image:' and no 'demo: true': add 'image: <your service "
                                      "image>' to run your service, or 'demo: true' to run stackgen's demo service")
        return self


class Metric(SpecModel):
    name: MetricName = Field(description="The metric's name as exposed, without the _bucket/_sum/_count suffixes.")
    type: Literal["counter", "gauge", "histogram", "summary"] = Field(description="The Prometheus metric type.")
    help: Text = Field(description="The HELP text: what one sample measures.")
    labels: UniqueLabelNames = Field(default=(), description="The label names its series carry.")
    buckets: tuple[Number, ...] | None = Field(default=None, min_length=1,
                                               description="Histogram bucket upper bounds, strictly increasing.")
    group: Name = Field(default="general", description="The guide section it is listed under.")
    unit: Text = Field(default="", description="The base unit of its values (seconds, bytes, ratio...).")
    reference_name: MetricName | None = Field(default=None, description="The name it is known by elsewhere, for the guide.")
    service: Name | None = Field(default=None, description="The service that exposes it, when only one does.")
    external: Bool = Field(default=False, description="Exposed by software you do not own (an exporter, a third "
                                                      "party): its name is not yours to change, so the naming lint "
                                                      "skips it and its labels are not checked.")
    inferred: Bool = Field(default=False, description="Declared by `stackgen import` from the rules that read it: "
                                                      "type and help are guessed; confirm them, then remove this.")
