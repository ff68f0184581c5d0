"""One service of a spec as an application sees it: its metrics, and the spec line each was declared on.

The checked model keeps only the spec file's base name and no lines, so the YAML source is read beside it:
errors raised while an application runs (a label the spec does not declare) can then point at the spec
line to change, as the spec checks do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from stackgen.errors import SpecIssue, StackgenError
from stackgen.model import Metric, Spec
from stackgen.spec.loader import check_source, read_source


class InstrumentError(StackgenError, ValueError):
    """An application uses its spec's metrics in a way the spec does not declare.

    A ValueError too, as prometheus_client's own label errors are, so code that caught those still works.
    """

    exit_code = 2


def served_metrics(spec: Spec, service: str | None) -> tuple[Metric, ...]:
    """The metrics one service exports: those bound to it, and those bound to no service."""
    return tuple(m for m in spec.metrics if m.service in (None, service))


@dataclass(frozen=True)
class Declared:
    """A metric and where the spec declares it: what a label error needs to point at the line to change."""

    metric: Metric
    file: str
    line: int | None

    def issue(self, field: str, message: str, hint: str = "") -> SpecIssue:
        path = f"metrics[{self.metric.name}]" + (f".{field}" if field else "")
        return SpecIssue(self.file, self.line, path, message, hint)


@dataclass(frozen=True)
class ServiceSpec:
    """The checked spec, the service picked from it, and its metrics with their spec lines."""

    spec: Spec
    service: str
    file: str  # as the caller named it, so file:line opens in an editor
    declared: tuple[Declared, ...]

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return tuple(d.metric for d in self.declared)


def load_service_spec(path: str | Path | None, service: str) -> ServiceSpec:
    """Read and check the spec at `path` (None: the embedded default) and pick `service` from it."""
    source = read_source(path)
    spec = check_source(source)
    names = [s.name for s in spec.services]
    if service not in names:
        where = source.line(("services",))
        raise InstrumentError(str(SpecIssue(source.file, where, "services", f"no service '{service}'",
                                            f"choose one of: {', '.join(names)}")))
    raw = source.data.get("metrics", []) if isinstance(source.data, dict) else []
    lines = {item.get("name"): source.line(("metrics", i)) for i, item in enumerate(raw) if isinstance(item, dict)}
    declared = tuple(Declared(m, source.file, lines.get(m.name)) for m in served_metrics(spec, service))
    return ServiceSpec(spec, service, source.file, declared)
