"""`Drive`: one series a fault moves, and how (a gauge level, a counter rate, histogram observations)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Drive:
    """One series the fault drives: a gauge `level`, a counter `rate` per second, or histogram
    observations of `value` at `rate` per second."""

    metric: str
    kind: str  # counter | gauge | histogram
    labels: dict[str, str]
    rate: float = 0.0
    value: float = 0.0

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metric": self.metric, "labels": self.labels}
        if self.kind == "gauge":
            out["level"] = self.value
        elif self.kind == "counter":
            out["rate_per_second"] = self.rate
        else:
            out.update(observe=self.value, rate_per_second=self.rate)
        return out
