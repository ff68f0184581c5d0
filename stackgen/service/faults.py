"""The faults a demo or test can switch on, each moving the metrics one kind of alert watches."""

from __future__ import annotations

FAULTS = {
    "path_down": "one path answers no probes: sdwan_path_up 0, its packet loss 1.0",
    "high_latency": "one path's probe latency rises to about 0.3 s",
    "packet_loss": "one path loses about 15% of its probes",
    "db_errors": "every database query fails (db_errors_total rises; /health/ready names the database)",
    "login_failures": "the built-in traffic adds failed logins, so most login attempts fail",
    "not_ready": "the SD-WAN engine reports itself not ready: /health/ready answers 503",
    "slow_http": "API requests take about 1.5 s (the built-in traffic keeps some flowing)",
}


class InjectedFault(Exception):
    """Raised where a fault makes real work fail (a database query), so the error path runs for real."""


class Faults:
    """Which faults are active. Only a service run with --faults exposes the switch (/admin/faults)."""

    def __init__(self) -> None:
        self._active: set[str] = set()
        self.targets: dict[str, str] = {}  # fault -> what it hits, e.g. "site-a/site-a-mpls"

    def active(self, name: str) -> bool:
        return name in self._active

    def set(self, name: str, active: bool) -> None:
        if name not in FAULTS:
            raise KeyError(name)
        if active:
            self._active.add(name)
        else:
            self._active.discard(name)

    def describe(self) -> dict[str, dict]:
        return {name: {"active": name in self._active, "effect": effect, "target": self.targets.get(name)}
                for name, effect in FAULTS.items()}
