"""The catalog of well-known exporters: what each kind runs, where it listens, and the metrics it exposes.

Shipped as data (`stackgen/spec/exporters/<kind>.yaml`), read with the spec's own typed models, so a
catalog metric is known to `validate` exactly as one the spec declares under an exporter's `metrics:`.
Metric names, types and labels are the exporters' own (from each project's documentation and collectors):
their naming, which the naming lint does not judge.
"""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from pydantic import Field

from stackgen import model as m
from stackgen.errors import StackgenError
from stackgen.model import SERIES_SUFFIXES
from stackgen.spec.v1.common import Bool, Port, SpecModel, Text, UrlPath
from stackgen.spec.v1.exporters import CATALOG_KINDS, CUSTOM, Exporter, ExporterMetric
from stackgen.spec.yamlsource import LOADER

CATALOG_DIR = "exporters"  # beside this module
# Our own data, read on every load that names a catalog kind: with the spec reader's loader, libyaml where PyYAML
# has it (~10x the pure-Python parser; the same data for these files, which a test checks).
CATALOG_LOADER = LOADER


class CatalogEntry(SpecModel):
    """One catalog kind, as its data file states it."""

    kind: Text
    title: Text
    docs: Text = Field(description="Where the exporter documents its metrics.")
    image: Text | None = Field(default=None, description="Pinned image; None: the stack's own pin (node).")
    port: Port
    metrics_path: UrlPath = "/metrics"
    health_path: UrlPath | None = Field(default=None, description="What the compose healthcheck fetches with the "
                                                                  "image's wget; None: the image has none.")
    listen_args: tuple[Text, ...] = Field(description="Arguments that make it listen on {host}:{port}.")
    binaries: tuple[Text, ...] = Field(description="Names of its binary on PATH (Debian's, then upstream's).")
    volumes: tuple[Text, ...] = ()
    hardened: Bool = Field(default=True, description="Runs with a read-only root and no capabilities in compose.")
    metrics: tuple[ExporterMetric, ...]


@functools.cache
def catalog_entry(kind: str) -> CatalogEntry:
    """The catalog's entry for `kind`; StackgenError when the data file is missing or malformed."""
    if kind not in CATALOG_KINDS:
        raise StackgenError(f"no exporter kind '{kind}' in the catalog (kinds: {', '.join(CATALOG_KINDS)})")
    text = resources.files("stackgen.spec").joinpath(f"{CATALOG_DIR}/{kind}.yaml").read_text(encoding="utf-8")
    return CatalogEntry.model_validate(yaml.load(text, Loader=CATALOG_LOADER))


def exporter_metrics(exporter: Exporter) -> tuple[ExporterMetric, ...]:
    """What an exporter exposes: its catalog kind's metrics, then the spec's own (which win on a shared name)."""
    declared = {m.name: m for m in exporter.metrics}
    base = () if exporter.kind == CUSTOM else catalog_entry(exporter.kind).metrics
    return (*(m for m in base if m.name not in declared), *exporter.metrics)


def series_names(metric: ExporterMetric) -> tuple[str, ...]:
    """The series names a metric of this type puts on the wire."""
    return tuple(metric.name + s for s in SERIES_SUFFIXES[metric.type])


def build_exporter(exporter: Exporter) -> m.Exporter:
    """The model's exporter: the spec's fields, with what its catalog kind knows about running it."""
    entry = None if exporter.kind == CUSTOM else catalog_entry(exporter.kind)
    metrics = tuple(m.Metric(x.name, x.type, x.help, x.labels or (), group=exporter.name)
                    for x in exporter_metrics(exporter))
    return m.Exporter(
        kind=exporter.kind, name=exporter.name, port=exporter.port, image=exporter.image,
        metrics_path=exporter.metrics_path, params=dict(exporter.params), scrape_interval=exporter.scrape_interval,
        environment=dict(exporter.environment), secrets=dict(exporter.secrets), command=exporter.command,
        metrics=metrics, default_image=entry.image if entry else None,
        listen_args=entry.listen_args if entry else (), binaries=entry.binaries if entry else (),
        volumes=entry.volumes if entry else (), hardened=entry.hardened if entry else False,
        health_path=entry.health_path if entry else None)
