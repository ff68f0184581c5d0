"""`metrics_from_spec`: the prometheus_client collectors one service of a spec declares, and nothing else.

An application gets its metrics from the spec its alerts and dashboards are checked against, so the two
cannot drift: names, types, help, label names and buckets are the spec's. The collectors are ordinary
prometheus_client ones, registered in the registry the caller passes (a fresh one by default, never the
global one by surprise); their `labels()` turns a label the spec does not declare into an error naming the
spec line to change, at the call that used it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary

from stackgen.instrument.specfile import Declared, InstrumentError, load_service_spec
from stackgen.model import Metric

if TYPE_CHECKING:
    from prometheus_client.metrics import MetricWrapperBase as _Wrapper
else:
    _Wrapper = object


class _SpecLabels(_Wrapper):
    """prometheus_client's `labels()`, with its bare 'Incorrect label names' told in the spec's terms."""

    declared: Declared | None = None  # set on the parent collector; its children never check labels

    def labels(self, *labelvalues: Any, **labelkwargs: Any) -> Any:
        try:
            return super().labels(*labelvalues, **labelkwargs)
        except ValueError:
            error = None if self.declared is None else label_error(self.declared, labelvalues, labelkwargs)
            if error is None:
                raise
            raise error from None


class SpecCounter(_SpecLabels, Counter):
    pass


class SpecGauge(_SpecLabels, Gauge):
    pass


class SpecHistogram(_SpecLabels, Histogram):
    pass


class SpecSummary(_SpecLabels, Summary):
    pass


def label_error(declared: Declared, values: tuple[Any, ...], kwargs: dict[str, Any]) -> InstrumentError | None:
    """The spec's view of a `labels()` call prometheus_client refused; None when labels were not the problem."""
    names = declared.metric.labels
    listed = ", ".join(names)
    if not names:
        issue = declared.issue("labels", "declares no labels", "call it without .labels(), or declare labels in the spec")
    elif values and kwargs:
        return None
    elif values:
        issue = declared.issue("labels", f"{len(values)} label values given, {len(names)} declared ({listed})",
                               "give one value per declared label, in the spec's order")
    elif unknown := sorted(set(kwargs) - set(names)):
        them = "it" if len(unknown) == 1 else "them"
        issue = declared.issue("labels", f"{_labels_are(unknown)} not declared",
                               f"declared labels: {listed}; add {them} to the spec's labels or drop {them}")
    elif missing := [n for n in names if n not in kwargs]:
        issue = declared.issue("labels", f"{_labels_are(missing)} given no value", f"give every declared label a value: {listed}")
    else:
        return None
    return InstrumentError(str(issue))


def _labels_are(names: list[str]) -> str:
    quoted = ", ".join(f"'{n}'" for n in names)
    return f"label {quoted} is" if len(names) == 1 else f"labels {quoted} are"


class CounterNameError(ValueError):
    """A counter whose name lacks `_total`: prometheus_client would expose it under another name."""


def new_collector(metric: Metric, registry: CollectorRegistry) -> Any:
    """One collector for a declared metric, named so that it exposes the declared name.

    CounterNameError for a counter without `_total`; prometheus_client's ValueError for a name it refuses
    or one the registry already holds. Its `labels()` speaks of the spec once `declared` is set on it.
    """
    common: dict[str, Any] = {"documentation": metric.help, "labelnames": metric.labels, "registry": registry}
    if metric.type == "counter":
        if not metric.name.endswith("_total"):
            raise CounterNameError(metric.name)
        return SpecCounter(metric.name[: -len("_total")], **common)
    if metric.type == "gauge":
        return SpecGauge(metric.name, **common)
    if metric.type == "histogram":
        if metric.buckets:
            common["buckets"] = metric.buckets
        return SpecHistogram(metric.name, **common)
    return SpecSummary(metric.name, **common)


def _collector(declared: Declared, registry: CollectorRegistry) -> Any:
    metric = declared.metric
    try:
        collector = new_collector(metric, registry)
    except CounterNameError:
        raise InstrumentError(str(declared.issue(
            "name", f"prometheus_client exposes a counter as '<name>_total', so it cannot export '{metric.name}'",
            f"rename it to '{metric.name}_total', as the Prometheus convention and `promtool check metrics` ask"))) \
            from None
    collector.declared = declared
    return collector


class _NullMetric:
    """Stands in for a metric the spec does not declare: every update is a no-op."""

    def labels(self, *args: Any, **kwargs: Any) -> _NullMetric:
        return self

    def inc(self, amount: float = 1) -> None:
        pass

    def dec(self, amount: float = 1) -> None:
        pass

    def set(self, value: float) -> None:
        pass

    def observe(self, value: float) -> None:
        pass

    def set_function(self, function: Any) -> None:
        pass

    def remove(self, *labelvalues: str) -> None:
        pass

    def __bool__(self) -> bool:
        return False


NULL_METRIC: Any = _NullMetric()


class SpecMetricSet:
    """The collectors of a set of declared metrics, by metric name, in one registry."""

    def __init__(self, declared: Iterable[Declared], registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry(auto_describe=True)
        self.declared: dict[str, Declared] = {}
        self._collectors: dict[str, Any] = {}
        for item in declared:
            try:
                collector = _collector(item, self.registry)
            except ValueError as exc:  # a name clash in the registry, or a name prometheus_client refuses
                if isinstance(exc, InstrumentError):
                    raise
                raise InstrumentError(str(item.issue("name", f"prometheus_client refuses this metric: {exc}"))) from None
            self.declared[item.metric.name] = item
            self._collectors[item.metric.name] = collector

    def __getitem__(self, name: str) -> Any:
        collector = self._collectors.get(name)
        if collector is None:
            raise InstrumentError(f"no metric '{name}' among the declared ones ({', '.join(self._collectors)}); "
                                  "declare it in the spec under 'metrics:', bound to this service")
        return collector

    def __contains__(self, name: object) -> bool:
        return name in self._collectors

    def __iter__(self) -> Iterator[str]:
        return iter(self._collectors)

    @property
    def metrics(self) -> tuple[Metric, ...]:
        return tuple(d.metric for d in self.declared.values())

    def claim(self, name: str, type_: str, labels: Iterable[str] = ()) -> Any:
        """The collector `name` if declared with this type and these labels, else NULL_METRIC.

        For code that runs against any spec (the HTTP middleware) and drives only what the spec declares.
        """
        item = self.declared.get(name)
        if item is None or item.metric.type != type_ or set(item.metric.labels) != set(labels):
            return NULL_METRIC
        return self._collectors[name]


def metrics_from_spec(spec: str | Path | None, service: str, registry: CollectorRegistry | None = None) -> SpecMetricSet:
    """The collectors `service` of the spec file `spec` declares (None: the embedded default spec).

    They are registered in `registry`, or in a fresh CollectorRegistry when none is given.
    Raises SpecError for an invalid spec and InstrumentError for an unknown service.
    """
    return SpecMetricSet(load_service_spec(spec, service).declared, registry)
