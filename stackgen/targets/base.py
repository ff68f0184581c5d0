"""What a target is: the contract between renderers, the pipeline and each target module.

A target decides where things run. Renderers ask it, never test its name: how Prometheus reaches a
component, a service or an exporter; how Grafana reaches Prometheus; what a receiver becomes; and which
files beyond the common set it needs (`own_documents`), and where they go.

`Document` is one rendered file as data, before serialisation; `Placement` is where the user's spec and
output folder are, seen from the folder the extra files are written in.
"""

from __future__ import annotations

from typing import Literal, Protocol

from stackgen.frozen import Frozen
from stackgen.model import Exporter, Receiver, Service, Spec
from stackgen.targets.layout import DEFAULT_OUT

Format = Literal["yaml", "json", "text"]


class Document(Frozen):
    """One file to write: its path, its content as data, and how to serialise it.

    `path` is relative to the output folder, or to the folder beside it when `beside` is set (the compose
    file). `comments` are YAML comment lines put under the generated-file header.
    """

    path: str
    data: object
    format: Format
    beside: bool = False
    comments: str = ""


class Placement(Frozen):
    """The user's files as the rendered ones must name them, relative to the folder beside the output.

    `spec` is None for the embedded example, which has no file on disk. Built by the pipeline (which
    knows the working directory), so renderers stay pure.
    """

    out_name: str = DEFAULT_OUT
    spec: str | None = None
    environment: str | None = None  # the --env the spec was rendered with; its overlay sits beside `spec`


class Target(Protocol):
    """Where the rendered stack runs. One module per target, registered in `stackgen.targets.registry`."""

    @property
    def name(self) -> str: ...

    @property
    def summary(self) -> str:
        """One line for `--target` help."""
        ...

    def component(self, spec: Spec, name: str) -> str:
        """host:port where Prometheus reaches a stack component (prometheus, alertmanager)."""
        ...

    def datasource_url(self, spec: Spec) -> str:
        """Prometheus' URL as Grafana reaches it."""
        ...

    def service(self, service: Service) -> str:
        """host:port where Prometheus scrapes a service."""
        ...

    def exporter(self, exporter: Exporter) -> str:
        """host:port where Prometheus scrapes an exporter."""
        ...

    def web_password_file(self, spec: Spec) -> str | None:
        """Where Prometheus (and Grafana) read the password of the stack's web auth; None: no web auth."""
        ...

    def receiver(self, spec: Spec, receiver: Receiver) -> Receiver:
        """The receiver as this target delivers it (the spec's own, or a rewrite of it)."""
        ...

    def own_documents(self, spec: Spec, placement: Placement) -> tuple[Document, ...]:
        """Files this target needs beyond the common configs (the compose file; none when run locally)."""
        ...
