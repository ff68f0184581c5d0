"""Named faults: switches a scenario offers, each making its real work fail or degrade in one way.

The generic service has no named faults of its own; a scenario (such as Patronus) lists its faults and
their effects. Faults derived from a spec's alerts live in `alert_faults` and are driven by `driver`.
"""

from __future__ import annotations

from typing import Any


class InjectedFault(Exception):
    """Raised where a fault makes real work fail (a database query), so the error path runs for real."""


class Faults:
    """Which named faults are active. Only a service run with --faults exposes the switch (/admin/faults)."""

    def __init__(self, effects: dict[str, str] | None = None) -> None:
        self.effects = dict(effects or {})  # fault name -> what it does
        self._active: set[str] = set()
        self.targets: dict[str, str] = {}  # fault -> what it hits, e.g. "site=ams,path=ams-mpls"

    def active(self, name: str) -> bool:
        return name in self._active

    def set(self, name: str, active: bool) -> None:
        if name not in self.effects:
            raise KeyError(name)
        if active:
            self._active.add(name)
        else:
            self._active.discard(name)

    def describe(self) -> dict[str, dict[str, Any]]:
        return {name: {"active": name in self._active, "effect": effect, "target": self.targets.get(name)}
                for name, effect in self.effects.items()}
