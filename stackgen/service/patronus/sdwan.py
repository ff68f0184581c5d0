"""A simulated SD-WAN: sites and paths from the database, probed every tick with realistic noise.

Each round sends PROBES_PER_ROUND probes down every path. A probe is lost with the path's loss probability;
an answered one has a latency drawn around the path's base (log-normal jitter, a slowly wandering congestion
factor, rare spikes). The round's results set the path's up state and loss ratio, and every answered probe
is observed into the latency histogram.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass

from stackgen.service.faults import Faults
from stackgen.service.metrics import SpecMetrics
from stackgen.service.patronus.database import Database, DatabaseError

PROBES_PER_ROUND = 50
FAULT_LATENCY = 0.3  # seconds added by high_latency: twice the Patronus p95 threshold
FAULT_LOSS = 0.15  # loss probability under packet_loss
log = logging.getLogger("stackgen.service")


@dataclass
class Path:
    site: str
    name: str
    transport: str
    base_latency: float
    base_loss: float
    congestion: float = 1.0
    up: bool = True
    loss_ratio: float = 0.0
    latency: float = 0.0  # median latency of the last round, seconds

    def status(self) -> dict[str, object]:
        return {"site": self.site, "path": self.name, "transport": self.transport, "up": self.up,
                "loss_ratio": round(self.loss_ratio, 4), "latency_ms": round(self.latency * 1000, 2)}


class SdwanEngine:
    def __init__(self, db: Database, metrics: SpecMetrics, faults: Faults, tick: float, seed: int | None = None) -> None:
        self._db = db
        self._faults = faults
        self._tick = tick
        self._rng = random.Random(seed)
        self.paths = [Path(*row) for row in db.run(
            "SELECT s.name, p.name, p.transport, p.base_latency, p.base_loss "
            "FROM paths p JOIN sites s ON s.id = p.site_id ORDER BY p.id")]
        self.last_round: float | None = None
        pair = ["site", "path"]
        self._sites = metrics.claim("sdwan_sites", "gauge")
        self._paths = metrics.claim("sdwan_paths", "gauge")
        self._active = metrics.claim("sdwan_paths_active", "gauge")
        self._policies = metrics.claim("sdwan_policies", "gauge")
        self._up = metrics.claim("sdwan_path_up", "gauge", pair)
        self._latency = metrics.claim("sdwan_path_latency_seconds", "histogram", pair)
        self._loss = metrics.claim("sdwan_path_packet_loss_ratio", "gauge", pair)
        self._probes = metrics.claim("sdwan_path_probes_total", "counter", pair + ["result"])
        # path_down hits the first path; latency and loss faults a path of another site, so the
        # "PathDown inhibits HighPacketLoss on the same path" rule cannot hide them.
        self._down_path, self._degraded_path = self.paths[0], self.paths[3]
        faults.targets.update({"path_down": self._target(self._down_path),
                               "high_latency": self._target(self._degraded_path),
                               "packet_loss": self._target(self._degraded_path)})

    @staticmethod
    def _target(path: Path) -> str:
        return f"site={path.site},path={path.name}"

    def probe_round(self) -> None:
        for path in self.paths:
            self._probe_path(path)
        self._sites.set(len({p.site for p in self.paths}))
        self._paths.set(len(self.paths))
        self._active.set(sum(p.up for p in self.paths))
        self.last_round = time.monotonic()
        try:
            self._policies.set(self._db.run("SELECT COUNT(*) FROM policies")[0][0])
        except DatabaseError as exc:  # the database's own health shows this; the probes go on
            log.debug("policy count: %s", exc)

    def _probe_path(self, path: Path) -> None:
        rng = self._rng
        # Congestion wanders between 1.0 and 1.6 and drifts back: busy hours, not a flat line.
        path.congestion = min(1.6, max(1.0, path.congestion + rng.gauss(-0.02 * (path.congestion - 1), 0.03)))
        loss = path.base_loss * path.congestion
        extra = 0.0
        if path is self._down_path and self._faults.active("path_down"):
            loss = 1.0
        if path is self._degraded_path:
            if self._faults.active("packet_loss"):
                loss = FAULT_LOSS
            if self._faults.active("high_latency"):
                extra = FAULT_LATENCY
        samples = []
        for _ in range(PROBES_PER_ROUND):
            if rng.random() < loss:
                continue
            latency = path.base_latency * path.congestion * rng.lognormvariate(0, 0.12)
            if rng.random() < 0.01:  # a rare retransmit-sized spike
                latency += rng.uniform(0.02, 0.06)
            samples.append(latency + extra * rng.lognormvariate(0, 0.05))
        labels = {"site": path.site, "path": path.name}
        histogram = self._latency.labels(**labels)
        for latency in samples:
            histogram.observe(latency)
        lost = PROBES_PER_ROUND - len(samples)
        path.up = bool(samples)
        path.loss_ratio = lost / PROBES_PER_ROUND
        path.latency = sorted(samples)[len(samples) // 2] if samples else 0.0
        self._up.labels(**labels).set(1 if path.up else 0)
        self._loss.labels(**labels).set(path.loss_ratio)
        self._probes.labels(result="ok", **labels).inc(len(samples))
        self._probes.labels(result="lost", **labels).inc(lost)

    async def run(self) -> None:
        """Probe every tick until cancelled; a failing round is logged and the next one tries again."""
        while True:
            try:
                self.probe_round()
            except Exception:  # a background loop must outlive any one bad round
                log.exception("probe round failed")
            await asyncio.sleep(self._tick)

    def readiness(self) -> str | None:
        """None when the engine is probing on schedule, else why it is not ready."""
        if self._faults.active("not_ready"):
            return "not ready (injected fault not_ready)"
        stale_after = max(3 * self._tick, 5.0)
        if self.last_round is None or time.monotonic() - self.last_round > stale_after:
            return f"no probe round finished in the last {stale_after:g} s"
        return None

    def snapshot(self) -> list[dict[str, object]]:
        return [p.status() for p in self.paths]
