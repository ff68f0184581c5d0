"""Moving the metrics no component owns: the steady baseline, and the faults derived from alerts.

`Driver.step(seconds)` runs once per tick. Baseline series (see `baseline`) grow, observe or hold their level.
An active alert fault (see `alert_faults`) drives its own series instead: while it is on, the baseline of
every metric it touches pauses, so the fault's series alone decide ratios and quantiles; its gauge levels
are held over whatever a component sets (`SpecMetrics.held_levels`), and let go when it is switched off.
Counters and histograms driven by a fault just stop growing when it ends, so the alert resolves once its
range window has passed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from stackgen.model import Spec
from stackgen.service.alert_faults import DRIVE, AlertFault
from stackgen.service.baseline import BASELINE_RATE, baseline_series, label_values
from stackgen.service.drive import Drive
from stackgen.service.metrics import SpecMetrics, label_key


@dataclass
class _Series:
    """One driven series: its prometheus_client child and what to do with it each step."""

    metric: str
    kind: str
    child: Any
    rate: float  # counters: increments per second; histograms: observations per second
    value: float = 0.0  # histograms: the observed value
    jitter: float = 0.0  # histograms: relative spread of observations
    carry: float = 0.0  # histograms: the fraction of an observation owed from earlier steps

    def step(self, seconds: float, rng: random.Random) -> None:
        if self.kind == "counter":
            if self.rate > 0:
                self.child.inc(self.rate * seconds)
        elif self.kind in ("histogram", "summary"):
            owed = self.carry + self.rate * seconds
            whole = int(owed)
            self.carry = owed - whole
            for _ in range(whole):
                self.child.observe(self.value * (1 + rng.uniform(-self.jitter, self.jitter)))


class Driver:
    def __init__(self, spec: Spec, metrics: SpecMetrics, faults: dict[str, AlertFault], seed: int | None = None) -> None:
        self._metrics = metrics
        self._values = label_values(spec)
        self._rng = random.Random(seed)
        self.faults = faults  # alert name -> fault, for every alert of the spec
        self.active: dict[str, list[_Series]] = {}
        self._baseline: list[_Series] = []
        for name, client in metrics.claim_rest().items():
            for series in baseline_series(spec, metrics.declared[name], self._values):
                child = client.labels(**series.labels) if series.labels else client
                kind = series.metric.type
                if kind == "gauge":
                    child.set(series.value)
                    continue
                if kind == "counter":
                    self._baseline.append(_Series(name, kind, child, series.value))
                else:
                    self._baseline.append(_Series(name, kind, child, BASELINE_RATE, series.value, jitter=0.2))

    def refusal(self, alert: str) -> str | None:
        """Why this service cannot drive the alert's fault, or None when it can."""
        fault = self.faults[alert]
        if fault.kind != DRIVE:
            return fault.describe().get("reason") or fault.describe().get("how")
        missing = sorted({d.metric for d in fault.drives if d.metric not in self._metrics.declared})
        if missing:
            return f"this service does not export {', '.join(missing)} (services: {', '.join(fault.services)})"
        return None

    def set(self, alert: str, active: bool) -> None:
        """Switch an alert's fault on or off; `refusal(alert)` must be None."""
        if not active:
            self._release(alert)
            return
        if alert not in self.active:
            self.active[alert] = [s for d in self.faults[alert].drives if (s := self._start(d)) is not None]

    def _full_labels(self, drive: Drive) -> dict[str, str]:
        metric = self._metrics.declared[drive.metric]
        return {label: drive.labels.get(label, self._values[metric.name][label][0]) for label in metric.labels}

    def _start(self, drive: Drive) -> _Series | None:
        labels = self._full_labels(drive)
        if drive.kind == "gauge":
            self._metrics.held_levels.setdefault(drive.metric, {})[label_key(labels)] = drive.value
            return None
        client = self._metrics.client(drive.metric)
        child = client.labels(**labels) if labels else client
        return _Series(drive.metric, drive.kind, child, drive.rate, drive.value)

    def _release(self, alert: str) -> None:
        if self.active.pop(alert, None) is None:
            return
        for drive in self.faults[alert].drives:
            if drive.kind == "gauge":
                self._metrics.held_levels.get(drive.metric, {}).pop(label_key(self._full_labels(drive)), None)

    def step(self, seconds: float) -> None:
        paused = {s.metric for series in self.active.values() for s in series} | {
            d.metric for name in self.active for d in self.faults[name].drives}
        for series in self._baseline:
            if series.metric not in paused:
                series.step(seconds, self._rng)
        for active in self.active.values():
            for series in active:
                series.step(seconds, self._rng)
