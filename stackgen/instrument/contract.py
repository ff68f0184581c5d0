"""The contract test: does an application expose every metric its spec's rules and panels read, as declared?

A user calls `assert_metrics_contract` in their own tests with their app's /metrics text (or its registry,
or a URL to scrape). It fails with one line per broken promise: a metric an alert, recording rule or panel
reads is missing, or has another type, or other labels than the spec declares. A metric with no series yet
(labelled, never used) has its type checked; its labels are checked once it has a series.
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from stackgen import promql
from stackgen.errors import StackgenError
from stackgen.instrument.specfile import Declared, ServiceSpec, load_service_spec
from stackgen.model import Spec

# Labels the exposition adds to a metric's series that are not the metric's own.
_SERIES_LABELS = frozenset({"le", "quantile"})
SCRAPE_TIMEOUT = 10.0


class ContractError(StackgenError, AssertionError):
    """The app's metrics break the spec's contract; an AssertionError, so test runners report it as a failure."""

    exit_code = 1


@dataclass(frozen=True)
class Exposed:
    """One metric family as the app exposes it."""

    type: str
    labels: frozenset[str] | None  # None: no series yet, so its labels are unknown


def spec_readers(spec: Spec) -> dict[str, list[str]]:
    """Every series name the spec's recording rules, alerts and panels select, with what selects it."""
    readers: dict[str, list[str]] = {}
    exprs = [(f"recording rule {r.record}", r.expr) for r in spec.recording_rules]
    exprs += [(f"alert {a.name} ({a.severity})", a.expr) for a in spec.alerts]
    exprs += [(f"panel '{p.title}'", promql.grafana_to_promql(q.expr)) for d in spec.dashboards for p in d.panels
              for q in p.queries]
    for reader, expr in exprs:
        for name in sorted(promql.metric_names(expr)):
            readers.setdefault(name, [])
            if reader not in readers[name]:
                readers[name].append(reader)
    return readers


def used_metrics(service: ServiceSpec) -> list[tuple[Declared, list[str]]]:
    """The service's declared metrics that something in the spec reads, with the readers of each."""
    readers = spec_readers(service.spec)
    used = []
    for declared in service.declared:
        by = [r for series in declared.metric.series_names for r in readers.get(series, [])]
        if by:
            used.append((declared, list(dict.fromkeys(by))))
    return used


def _refused_line(text: str) -> str | None:
    """The first line the parser refuses on its own, quoted, in our words: the parser's differ between releases."""
    for number, line in enumerate(text.splitlines(), 1):
        try:
            list(text_string_to_metric_families(line + "\n"))
        except ValueError:
            return f"line {number} is not a sample, a comment or # HELP/# TYPE: {line[:120]!r}"
    return None


def parse_exposition(text: str) -> dict[str, Exposed]:
    """The families of a Prometheus text exposition, by the name a spec declares them under."""
    exposed: dict[str, Exposed] = {}
    try:
        families = list(text_string_to_metric_families(text))
    except ValueError as exc:
        raise ContractError(f"the metrics are not a Prometheus text exposition: {_refused_line(text) or exc}") from None
    for family in families:
        # the parser drops a counter's `_total`; the spec declares counters with it
        name = family.name + "_total" if family.type == "counter" else family.name
        own = [s for s in family.samples if not s.name.endswith("_created")]
        labels = frozenset(k for s in own for k in s.labels if k not in _SERIES_LABELS) if own else None
        exposed[name] = Exposed(family.type, labels)
    return exposed


def contract_problems(service: ServiceSpec, exposition: str) -> list[str]:
    """One line per metric the spec reads that the exposition lacks or exposes otherwise than declared."""
    exposed = parse_exposition(exposition)
    problems = []
    for declared, readers in used_metrics(service):
        metric = declared.metric
        where = f"{declared.file}:{declared.line}" if declared.line else declared.file
        read_by = f"read by {', '.join(readers)}"
        found = exposed.get(metric.name)
        if found is None:
            problems.append(f"{metric.name}: missing ({metric.type} declared at {where}, {read_by})")
        elif found.type != metric.type:
            problems.append(f"{metric.name}: exposed as a {found.type}, declared a {metric.type} at {where}")
        elif found.labels is not None and found.labels != set(metric.labels):
            problems.append(f"{metric.name}: labels {_listed(found.labels)}, declared {_listed(metric.labels)} "
                            f"at {where} ({read_by})")
    return problems


def _listed(labels: frozenset[str] | tuple[str, ...]) -> str:
    return "{" + ", ".join(sorted(labels)) + "}"


def scrape(url: str, timeout: float = SCRAPE_TIMEOUT) -> str:
    """The text exposition at `url` (an app's /metrics)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except OSError as exc:
        raise ContractError(f"{url}: cannot scrape: {exc}") from None


def assert_metrics_contract(spec: str | Path | None, service: str, *, exposition: str | bytes | None = None,
                            registry: CollectorRegistry | None = None, url: str | None = None) -> None:
    """Fail (ContractError, an AssertionError) unless the app exposes every metric the spec reads, as declared.

    Give exactly one of: `exposition` (the /metrics body), `registry` (read directly) or `url` (scraped).
    """
    given = [x for x in (exposition, registry, url) if x is not None]
    if len(given) != 1:
        raise TypeError("give exactly one of exposition=, registry= or url=")
    if registry is not None:
        exposition = generate_latest(registry)
    elif url is not None:
        exposition = scrape(url)
    text = exposition.decode("utf-8") if isinstance(exposition, bytes) else str(exposition)
    loaded = load_service_spec(spec, service)
    problems = contract_problems(loaded, text)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise ContractError(f"the metrics of service '{service}' break the contract of {loaded.file} "
                            f"({len(problems)} problem{'s' if len(problems) > 1 else ''}):\n{lines}")
