"""Spec v1: exporters, the processes beside the services that Prometheus scrapes for a system's dependencies.

An exporter is either a kind from stackgen's catalog (node, postgres, redis, ...: image, port, path and
metrics ship with stackgen, `stackgen.spec.exporter_catalog`) or `kind: custom`, which states them itself.
Either may add metrics, environment, secrets by file, scrape parameters and a `command` for `stackgen up`.
"""

from typing import Annotated, Any, Literal

from pydantic import Field, Strict, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from stackgen.spec.v1.common import (
    Duration,
    Format,
    MetricName,
    Name,
    Port,
    SpecModel,
    Text,
    UniqueLabelNames,
    UrlPath,
    default_from,
    derived,
)

# The catalog's kinds; a unit test keeps this list and the catalog's data files the same.
CATALOG_KINDS = ("node", "postgres", "redis", "blackbox", "mysqld", "cadvisor", "kube-state-metrics")
CUSTOM = "custom"
ExporterKind = Literal["node", "postgres", "redis", "blackbox", "mysqld", "cadvisor", "kube-state-metrics", "custom"]
EnvName = Annotated[str, Strict(), StringConstraints(max_length=100, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$"),
                    Format("an environment variable name: letters, digits and _, not starting with a digit")]
FilePath = Annotated[str, Strict(), StringConstraints(max_length=500, pattern=r"^/[^\s]*[^/\s]$"),
                     Format("an absolute file path, e.g. /run/secrets/postgres_password")]


class ExporterMetric(SpecModel):
    name: MetricName = Field(description="The metric's name as the exporter exposes it (its naming, not checked "
                                         "against Prometheus' conventions).")
    type: Literal["counter", "gauge", "histogram", "summary", "untyped"] = Field(description="The type the exporter "
                                                                                             "gives it.")
    help: Text = Field(default="", description="What one sample measures.")
    labels: UniqueLabelNames | None = Field(default=None, description="The label names its series carry; "
                                                                       "left out: not known, selectors not checked.")


class Exporter(SpecModel):
    kind: ExporterKind = Field(description="A catalog exporter (node, postgres, redis, blackbox, mysqld, cadvisor, "
                                           "kube-state-metrics: image, port and metrics known), or custom.")
    name: Name = derived("", "Its Prometheus job name. Defaults to <kind>-exporter; required for custom.")
    port: Port = derived(0, "The port it listens on. Defaults to the catalog's (postgres: 9187, redis: 9121, ...); "
                            "required for custom.")
    image: Text | None = Field(default=None, description="Container image in the compose stack. Defaults to the "
                                                         "catalog's pinned image; required for custom.")
    metrics_path: UrlPath = derived("/metrics", "The path Prometheus scrapes. Defaults to the catalog's "
                                                "(/metrics; blackbox: /probe).")
    params: dict[Annotated[str, Strict()], tuple[Text, ...]] = Field(
        default_factory=dict, description="URL parameters of each scrape, e.g. blackbox's module and target.")
    scrape_interval: Duration | None = Field(default=None, description="Scrape interval for this exporter only.")
    environment: dict[EnvName, Text] = Field(default_factory=dict, description="Environment variables of the "
                                                                               "exporter; never a secret.")
    secrets: dict[EnvName, FilePath] = Field(default_factory=dict, description=(
        "Secrets by file: variable -> the path the exporter reads its secret from (e.g. DATA_SOURCE_PASS_FILE: "
        "/run/secrets/postgres_password). The compose stack mounts secrets/<file name> there."))
    metrics: tuple[ExporterMetric, ...] = Field(default=(), description="Metrics it exposes, beside the catalog's.")
    command: tuple[Text, ...] = Field(default=(), description=(
        "How `stackgen up` and `verify` run it on this machine, as a list of arguments; {port} and {host} stand "
        "for the address it must listen on. Without one, a catalog exporter runs from its binary on PATH."))

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        from stackgen.spec.exporter_catalog import catalog_entry

        if not isinstance(data, dict) or data.get("kind") not in CATALOG_KINDS:
            return data
        entry = catalog_entry(data["kind"])
        data = default_from(data, "name", "kind", lambda kind: f"{kind}-exporter")
        data = default_from(data, "port", "kind", lambda kind: entry.port)
        return default_from(data, "metrics_path", "kind", lambda kind: entry.metrics_path)

    @model_validator(mode="after")
    def _custom_says_what_it_runs(self) -> "Exporter":
        if self.kind != CUSTOM:
            return self
        missing = [key for key, value in (("name", self.name), ("port", self.port), ("image", self.image)) if not value]
        if missing:
            raise PydanticCustomError("custom_exporter", "a custom exporter needs {keys} (it states its job name, "
                                      "the port it listens on and the image the compose stack runs), or use a "
                                      "catalog kind: node, postgres, redis, blackbox, mysqld, cadvisor, "
                                      "kube-state-metrics", {"keys": " and ".join(f"'{k}:'" for k in missing)})
        return self

