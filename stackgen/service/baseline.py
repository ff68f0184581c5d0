"""What a healthy service looks like for any spec: label values per label, and a steady value per series.

Nothing here needs the spec to say more than it does today. Label values come from the concrete values the
spec itself names (alert test series, `label="value"` matchers in alerts, recording rules and panels, and
"(a, b)" lists in a metric's help), else from defaults by label name. Steady values: counters grow at
BASELINE_RATE per second (0 for values that mean failure, such as status 500 or outcome "failed"),
histograms observe around a typical value chosen from their buckets, gauges hold a level (from the spec's
quiet alert tests where one names the series, else by what the name says).
"""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import promql_parser

from stackgen import __version__
from stackgen.model import Metric, Spec
from stackgen.promql import grafana_to_promql, parse
from stackgen.service.series import TARGET_LABELS, test_series

BASELINE_RATE = 1.0  # counter increments per second for a series that means success
DEFAULT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0)
MAX_VALUES_PER_LABEL = 4
MAX_SERIES_PER_METRIC = 64
DEFAULT_LABEL_VALUES = {
    "method": ("GET",), "route": ("/",), "path": ("/",), "handler": ("/",), "status": ("200",),
    "code": ("200",), "status_code": ("200",), "outcome": ("succeeded",), "result": ("ok",),
    "operation": ("select",), "type": ("default",), "version": (__version__,),
}
FALLBACK_LABEL_VALUE = "default"
# Label values that name a failure: their counters stay flat on a healthy service.
FAILURE_VALUE = re.compile(r"^([45]\d\d|[45]xx|fail\w*|error\w*|err|lost|timeout|timed_out|invalid|expired|"
                           r"refused|denied|locked|rejected|dropped|bad_\w*|unknown_\w*|unauthori[sz]ed)$", re.I)
FAILURE_NAME = re.compile(r"(error|fail|drop|reject|timeout|retr(y|ies)|restart|panic|crash)", re.I)
_HELP_LIST = re.compile(r"\(([A-Za-z0-9_.-]+(?:, [A-Za-z0-9_.-]+)+)\)")
# Gauge levels by what the name says: used below capacity, capacity above use, state gauges up.
_LEVEL_BY_NAME = ((re.compile(r"(^|_)(up|info|ready|healthy)$"), 1.0),
                  (re.compile(r"ratio|percent|fraction|loss"), 0.0),
                  (re.compile(r"size|limit|capacity|max|total|pool"), 10.0),
                  (re.compile(r"busy|active|in_progress|used|usage|depth|pending|running"), 3.0))
DEFAULT_LEVEL = 5.0


def label_values(spec: Spec) -> dict[str, dict[str, tuple[str, ...]]]:
    """Metric -> label -> the values the baseline uses: those the spec names for this metric, else for this
    label on any metric, else a default by label name."""
    owner = {series: m.name for m in spec.metrics for series in m.series_names}
    own: dict[tuple[str, str], list[str]] = {}
    anywhere: dict[str, list[str]] = {}

    def add(series: str, label: str, value: str) -> None:
        if label in TARGET_LABELS or label == "le":
            return
        for bucket in (own.setdefault((owner.get(series, ""), label), []), anywhere.setdefault(label, [])):
            if value not in bucket:
                bucket.append(value)

    for alert in spec.alerts:
        for test in alert.tests:
            for series in test_series(test):
                for label, value in series.labels.items():
                    add(series.name, label, value)
    for expr in _expressions(spec):
        for name, label, value in _equality_matchers(expr):
            add(name, label, value)
    for metric in spec.metrics:
        for label, value in _help_values(metric):
            add(metric.name, label, value)
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for metric in spec.metrics:
        out[metric.name] = {}
        for label in metric.labels:
            values = own.get((metric.name, label)) or anywhere.get(label) or _default_values(label)
            values = values[:MAX_VALUES_PER_LABEL]
            if not FAILURE_NAME.search(metric.name) and all(FAILURE_VALUE.match(v) for v in values):
                # the spec names only the failure (an SLO's `outcome="error"`): a healthy service also
                # succeeds, or a ratio of failures to the total has no total to divide by
                values = values[:MAX_VALUES_PER_LABEL - 1] + _default_values(label)[:1]
            out[metric.name][label] = tuple(values)
    return out


def _default_values(label: str) -> list[str]:
    """By label name; none of them names a failure."""
    return list(DEFAULT_LABEL_VALUES.get(label, (FALLBACK_LABEL_VALUE,)))


def _expressions(spec: Spec) -> Iterator[str]:
    yield from (alert.expr for alert in spec.alerts)
    yield from (rule.expr for rule in spec.recording_rules)
    yield from (grafana_to_promql(q.expr) for d in spec.dashboards for p in d.panels for q in p.queries)


def _equality_matchers(expr: str) -> list[tuple[str, str, str]]:
    """(series name, label, value) of every `label="value"` matcher in the expression."""
    pairs: list[tuple[str, str, str]] = []

    def visit(node: promql_parser.Expr) -> bool:
        if isinstance(node, promql_parser.VectorSelector):
            pairs.extend((node.name or "", m.name, m.value) for m in node.matchers.matchers
                         if str(m.op).endswith(".Equal") and m.name != "__name__" and m.value != "grafana_var")
        return True

    with contextlib.suppress(ValueError):  # the spec checks report bad PromQL; this reads what parses
        promql_parser.walk(parse(expr), visit)
    return pairs


def _help_values(metric: Metric) -> list[tuple[str, str]]:
    """'by queue and outcome (succeeded, failed)': the list belongs to the label named last before it."""
    pairs: list[tuple[str, str]] = []
    for match in _HELP_LIST.finditer(metric.help):
        before = metric.help[: match.start()]
        named = [(before.rfind(label), label) for label in metric.labels if label in before]
        if named:
            label = max(named)[1]
            pairs.extend((label, value) for value in match.group(1).split(", "))
    return pairs


@dataclass(frozen=True)
class BaselineSeries:
    metric: Metric
    labels: dict[str, str]
    value: float  # counters: increments per second; histograms: typical observation; gauges: level


def baseline_series(spec: Spec, metric: Metric, values: dict[str, dict[str, tuple[str, ...]]]) -> list[BaselineSeries]:
    """The steady series of one metric: every combination of its label values, up to MAX_SERIES_PER_METRIC."""
    combos = itertools.islice(itertools.product(*(values[metric.name][label] for label in metric.labels)), MAX_SERIES_PER_METRIC)
    out = []
    for combo in combos:
        labels = dict(zip(metric.labels, combo))
        out.append(BaselineSeries(metric, labels, _steady_value(spec, metric, labels)))
    return out


def _steady_value(spec: Spec, metric: Metric, labels: dict[str, str]) -> float:
    if metric.type == "counter":
        failing = FAILURE_NAME.search(metric.name) or any(FAILURE_VALUE.match(v) for v in labels.values())
        return 0.0 if failing else BASELINE_RATE
    if metric.type in ("histogram", "summary"):
        return typical_observation(metric.buckets or DEFAULT_BUCKETS)
    quiet = quiet_level(spec, metric.name, labels)
    if quiet is not None:
        return quiet
    return next((level for pattern, level in _LEVEL_BY_NAME if pattern.search(metric.name)), DEFAULT_LEVEL)


def typical_observation(buckets: tuple[float, ...]) -> float:
    """A value in the lower quarter of the buckets: fast enough to stay clear of latency thresholds."""
    finite = sorted(b for b in buckets if b != float("inf"))
    index = len(finite) // 4
    low = finite[index - 1] if index else 0.0
    return (low + finite[index]) / 2 if finite else 1.0


def quiet_level(spec: Spec, name: str, labels: dict[str, str]) -> float | None:
    """The gauge's first value in a quiet (non-firing) alert test that names this series: where the test
    starts is healthy (a quiet test may end close to its alert's edge)."""
    for alert in spec.alerts:
        for test in alert.tests:
            if test.fires:
                continue
            for series in test_series(test):
                own = {k: v for k, v in series.labels.items() if k not in TARGET_LABELS}
                if series.name == name and own.items() <= labels.items():
                    level = next((v for v in series.values if v is not None), None)
                    if level is not None:
                        return level
    return None
