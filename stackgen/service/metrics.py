"""Every metric of a spec, registered with prometheus_client in an explicit registry.

The demo components ask for metrics by name, type and labels (`SpecMetrics.claim`). A metric the spec does
not declare, or declares with another type or other labels, comes back as `NULL_METRIC`, whose updates do
nothing: the components run against any spec and drive only what it declares. A declared metric that no
component claims is driven by the baseline (`stackgen.service.driver`), so the exposition always holds
every declared metric and nothing else.

The collectors are the ones `stackgen.instrument` builds for an application's own code (`new_collector`);
what this registry adds is the demo's: claims, the baseline's share, held gauge levels and an exposition
without `_created` series.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.samples import Sample

from stackgen.errors import StackgenError
from stackgen.instrument.collectors import NULL_METRIC, CounterNameError, new_collector
from stackgen.instrument.specfile import served_metrics as served_metrics  # the service picks its metrics so too
from stackgen.model import Metric

LabelKey = tuple[tuple[str, str], ...]
EXPOSITION_CONTENT_TYPE = CONTENT_TYPE_LATEST
# Types whose families prometheus_client extends with a `<name>_created` series; the spec does not declare it.
_TYPES_WITH_CREATED = ("counter", "histogram", "summary")


class ServiceError(StackgenError):
    """The service cannot run this spec as written (a metric prometheus_client cannot export by its name)."""

    exit_code = 2


def _client_metric(metric: Metric, registry: CollectorRegistry) -> Any:
    """One prometheus_client metric for a declared metric, named so that it exposes the declared name."""
    try:
        return new_collector(metric, registry)
    except CounterNameError:
        raise ServiceError(
            f"{metric.name}: prometheus_client exposes a counter as '<name>_total', so it cannot export "
            f"counter '{metric.name}' under that name (rename it to '{metric.name}_total', the Prometheus "
            "convention that `promtool check metrics` also asks for)") from None


class _WithoutCreated:
    """A view of a registry that leaves out the `_created` series prometheus_client adds on its own."""

    def __init__(self, registry: CollectorRegistry, types: dict[str, str], levels: dict[str, dict[LabelKey, float]]) -> None:
        self._registry = registry
        # family name (as prometheus_client names it) -> declared type
        self._types = types
        self._levels = levels

    def collect(self) -> Iterator[Any]:
        for family in self._registry.collect():
            if self._types.get(family.name) in _TYPES_WITH_CREATED:
                created = family.name + "_created"
                family.samples = [s for s in family.samples if s.name != created]
            levels = self._levels.get(family.name)
            if levels:
                family.samples = _with_levels(family.samples, family.name, levels)
            yield family


def _with_levels(samples: list[Sample], name: str, levels: dict[LabelKey, float]) -> list[Sample]:
    """Gauge samples with the held levels in place of (or added to) what the components set."""
    out = [s._replace(value=levels.get(label_key(s.labels), s.value)) for s in samples]
    present = {label_key(s.labels) for s in samples}
    out.extend(Sample(name, dict(key), level) for key, level in levels.items() if key not in present)
    return out


def label_key(labels: dict[str, str]) -> LabelKey:
    return tuple(sorted(labels.items()))


class SpecMetrics:
    """The registry of one service's declared metrics, and the components' way to find them."""

    def __init__(self, metrics: Iterable[Metric]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.declared: dict[str, Metric] = {}
        self._client: dict[str, Any] = {}
        self._claimed: set[str] = set()
        family_types: dict[str, str] = {}
        for metric in metrics:
            try:
                client = _client_metric(metric, self.registry)
            except ValueError as exc:  # name clash or a name prometheus_client refuses
                raise ServiceError(f"{metric.name}: prometheus_client refuses this metric: {exc}") from None
            self.declared[metric.name] = metric
            self._client[metric.name] = client
            family_types[client._name] = metric.type
        # Gauge levels held regardless of what a component sets (faults use them): name -> labels -> level.
        self.held_levels: dict[str, dict[LabelKey, float]] = {}
        self._view = _WithoutCreated(self.registry, family_types, self.held_levels)

    def claim(self, name: str, type_: str, labels: Iterable[str] = ()) -> Any:
        """The metric `name` if the spec declares it with this type and these labels, else NULL_METRIC."""
        metric = self.declared.get(name)
        if metric is None or metric.type != type_ or set(metric.labels) != set(labels):
            return NULL_METRIC
        self._claimed.add(name)
        return self._client[name]

    def claim_rest(self) -> dict[str, Any]:
        """Every metric no component has claimed, claimed now: the baseline drives them."""
        rest = {name: self._client[name] for name in self.declared if name not in self._claimed}
        self._claimed.update(rest)
        return rest

    def client(self, name: str) -> Any:
        """The prometheus_client metric of a declared metric, claimed or not (faults drive both)."""
        return self._client[name]

    def exposition(self) -> bytes:
        """The text exposition of every declared metric, as Prometheus scrapes it."""
        return generate_latest(self._view)
