"""Model processors: each takes a checked `Spec` and returns a new one, before any target or renderer.

The pipeline applies them in order. Today: a faster clock (`--fast`), moved ports, no exporters. SLO
expansion and environments come as more processors, with no renderer changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from stackgen.model import Spec
from stackgen.process.fast import speed_up, with_ports, without_exporters

Processor = Callable[[Spec], Spec]


def faster_clock(factor: float, interval: str = "1s") -> Processor:
    """Scrape and evaluate every `interval`; `for`, windows and Alertmanager timers divided by `factor`."""
    return lambda spec: speed_up(spec, interval=interval, factor=factor)


def moved_ports(stack: Mapping[str, int] | None = None, services: Mapping[str, int] | None = None,
                exporters: Mapping[str, int] | None = None) -> Processor:
    """Stack components, services and exporters on other ports, by name."""
    return lambda spec: with_ports(spec, dict(stack or {}), dict(services or {}), dict(exporters or {}))


def no_exporters() -> Processor:
    """No exporter scrape jobs: for machines without the exporter binary."""
    return without_exporters


def apply(spec: Spec, processors: tuple[Processor, ...]) -> Spec:
    """`spec` through every processor, in order."""
    for processor in processors:
        spec = processor(spec)
    return spec
