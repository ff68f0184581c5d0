"""Faults derived from a spec's alerts: what to drive so that an alert's expression becomes true.

An alert's first firing unit test says it in promtool's terms: these series, with these labels, at these
levels or rates. `alert_faults(spec)` turns each such test into drives the service can apply (a gauge
level, a counter rate, histogram observations at a value), one AlertFault per alert name. An alert on `up`
cannot be proven by the service itself: its fault is of kind STOP_TARGET, and the one running the stack
(a runner, a verifier) proves it by stopping the scrape target of that job. An alert with no firing test
is read from its expression and threshold where it has a simple shape (`expr_faults`). Anything else (a
firing test that names only a recording rule's output or a summary) is UNSUPPORTED, with the reason.

A verifier drives it alert by alert: `alert_faults(spec)` (or GET /admin/faults on each service) says how
each alert is proven and on which service; POST /admin/faults {"alert": NAME, "active": true|false}
switches it there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from stackgen.model import Alert, Metric, Spec
from stackgen.process.fast import seconds
from stackgen.service.baseline import label_values
from stackgen.service.drive import Drive
from stackgen.service.expr_faults import expression_drives
from stackgen.service.series import TARGET_LABELS, TestSeries, test_index, test_series

DRIVE, STOP_TARGET, UNSUPPORTED = "drive", "stop_target", "unsupported"
# Driven rates are the test's rates times RATE_GAIN, so the service's real traffic cannot dilute a ratio
# below its threshold; not for alerts on a lower bound (`<`), where more would heal instead of fire.
RATE_GAIN = 100.0
_UP_JOB = re.compile(r'\bup\s*\{[^}]*\bjob\s*=\s*"([^"]+)"')
_BELOW = re.compile(r"<(?!=?\s*bool)")


@dataclass(frozen=True)
class AlertFault:
    alert: str
    kind: str  # DRIVE | STOP_TARGET | UNSUPPORTED
    drives: tuple[Drive, ...] = ()
    services: tuple[str, ...] = ()  # the services whose metrics the drives touch (none: any)
    job: str | None = None  # STOP_TARGET: the scrape job to stop
    reason: str = ""
    test: str = ""  # the firing test it was derived from
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.kind == DRIVE:
            out.update(from_test=self.test, services=list(self.services), drives=[d.describe() for d in self.drives])
        elif self.kind == STOP_TARGET:
            out.update(job=self.job, how=f"stop the scrape target of job {self.job!r}; start it again to resolve")
        else:
            out["reason"] = self.reason
        return out


def alert_faults(spec: Spec) -> dict[str, AlertFault]:
    """One fault per alert name: the first alert of that name whose firing test the service can drive."""
    out: dict[str, AlertFault] = {}
    for alert in spec.alerts:
        fault = derive(spec, alert)
        if alert.name not in out or (out[alert.name].kind == UNSUPPORTED and fault.kind != UNSUPPORTED):
            out[alert.name] = fault
    return out


def derive(spec: Spec, alert: Alert) -> AlertFault:
    up_job = _UP_JOB.search(alert.expr)
    if up_job and spec.metric("up") is None:
        return AlertFault(alert.name, STOP_TARGET, job=up_job.group(1))
    firing = next((t for t in alert.tests if t.fires), None)
    if firing is None:
        derived = expression_drives(spec, alert.expr, label_values(spec))
        if derived:
            return AlertFault(alert.name, DRIVE, derived, _services(spec, derived), test="(from the expression)")
        return AlertFault(alert.name, UNSUPPORTED, reason="no firing unit test to derive the fault from, and "
                          "the expression is not a gauge or a ratio of counter rates over a threshold")
    gain = 1.0 if _BELOW.search(alert.expr) else RATE_GAIN
    series = test_series(firing)
    index, interval = test_index(firing), max(seconds(firing.interval), 1e-9)
    owners = {name: m for m in spec.metrics for name in m.series_names}
    drives: list[Drive] = []
    for metric in dict.fromkeys(owners[s.name] for s in series if s.name in owners):
        own = [s for s in series if owners.get(s.name) is metric]
        drives.extend(_drives(metric, own, index, interval, gain))
    unknown = sorted({s.name for s in series if s.name not in owners})
    if unknown or not drives:
        what = ", ".join(unknown) or "no series"
        return AlertFault(alert.name, UNSUPPORTED, test=firing.name,
                          reason=f"the firing test {firing.name!r} names {what}, which the service does not export")
    return AlertFault(alert.name, DRIVE, tuple(drives), _services(spec, drives), test=firing.name)


def _services(spec: Spec, drives: tuple[Drive, ...] | list[Drive]) -> tuple[str, ...]:
    return tuple(sorted({m.service for m in spec.metrics if m.name in {d.metric for d in drives} and m.service}))


def _own_labels(metric: Metric, series: TestSeries) -> dict[str, str]:
    return {k: v for k, v in series.labels.items() if k in metric.labels and k not in TARGET_LABELS}


def _drives(metric: Metric, series: list[TestSeries], index: int, interval: float, gain: float) -> list[Drive]:
    if metric.type == "gauge":
        return [Drive(metric.name, "gauge", _own_labels(metric, s), value=level)
                for s in series if (level := s.at(index)) is not None]
    if metric.type == "counter":
        return [Drive(metric.name, "counter", _own_labels(metric, s), rate=s.increase_at(index) / interval * gain)
                for s in series]
    if metric.type != "histogram":
        return []
    groups: dict[tuple[tuple[str, str], ...], list[TestSeries]] = {}
    for s in series:
        groups.setdefault(tuple(sorted(_own_labels(metric, s).items())), []).append(s)
    return [drive for key, group in groups.items() if (drive := _histogram_drive(metric, dict(key), group, index,
                                                                               interval, gain))]


def _histogram_drive(metric: Metric, labels: dict[str, str], group: list[TestSeries], index: int,
                     interval: float, gain: float) -> Drive | None:
    """Observations of the smallest bucket bound that holds all of them, at the test's count rate."""
    buckets = {float(s.labels["le"]): s.increase_at(index) for s in group if s.name.endswith("_bucket") and "le" in s.labels}
    count = next((s.increase_at(index) for s in group if s.name.endswith("_count")), buckets.get(float("inf"), 0.0))
    if count <= 0:
        return None
    full = sorted(bound for bound, grew in buckets.items() if grew >= count and bound != float("inf"))
    finite = [b for b in buckets if b != float("inf")]
    value = full[0] if full else 2 * max(finite, default=1.0)
    return Drive(metric.name, "histogram", labels, rate=count / interval * gain, value=value)
