"""Scenarios: example-specific behaviour plugged into the generic service.

The generic service exports every metric of any spec at a steady baseline, with health, readiness, the
metrics endpoint and faults derived from alerts. A scenario adds real work behind some of those metrics
(routes, background loops, readiness checks) and named faults of its own, for one example system. A spec
selects its scenario by its system name; a spec with no scenario runs on the baseline alone.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute

from stackgen.model import Service, Spec
from stackgen.service.faults import Faults
from stackgen.service.metrics import SpecMetrics

Loop = Callable[[Any], Coroutine[Any, Any, None]]  # given the ASGI app, runs until cancelled


@dataclass(frozen=True)
class ServeOptions:
    faults: bool = False  # expose /admin/faults
    tick: float = 1.0  # seconds between background rounds (baseline, probes, traffic, maintenance)
    traffic: bool = True  # let the scenario generate its own background traffic
    instrument_http: bool = True  # False only to measure the middleware's cost
    users: dict[str, str] = field(default_factory=dict)  # extra login users of a scenario: name -> password
    seed: int | None = None  # for the simulation's randomness


@dataclass(frozen=True)
class ScenarioContext:
    spec: Spec
    service: Service
    metrics: SpecMetrics
    faults: Faults
    options: ServeOptions


@dataclass
class ScenarioParts:
    """What a scenario adds to one service."""

    routes: list[BaseRoute] = field(default_factory=list)
    readiness: dict[str, Callable[[], str | None]] = field(default_factory=dict)  # component -> problem or None
    loops: list[Loop] = field(default_factory=list)
    on_start: list[Callable[[], None]] = field(default_factory=list)
    on_stop: list[Callable[[], None]] = field(default_factory=list)
    exception_handlers: dict[Any, Callable[..., Any]] = field(default_factory=dict)
    state: Any = None  # put on app.state.service for the scenario's handlers
    active_users: Callable[[], int] | None = None  # drives app_active_users when the spec declares it


@dataclass(frozen=True)
class Scenario:
    name: str
    faults: dict[str, str]  # named fault -> its effect
    alert_aliases: dict[str, str]  # alert name -> the named fault that makes it fire for real
    build: Callable[[ScenarioContext], ScenarioParts]


def select_scenario(spec: Spec) -> Scenario | None:
    """The scenario of the spec's system, if there is one."""
    from stackgen.service.patronus import PATRONUS

    return {PATRONUS.name: PATRONUS}.get(spec.name)
