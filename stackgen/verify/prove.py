"""Proving one alert on a running local stack: switch its fault on, see it fire, reach exactly the receivers
Alertmanager's routing names (inhibited twins reach none), switch it off, see it resolve.

Every wait has a deadline; a proof that misses one fails with what it was waiting for, and its fault is
switched off whatever happens.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stackgen.local.runner import Component, LocalStack
from stackgen.model import Spec
from stackgen.process.fast import seconds
from stackgen.service.alert_faults import STOP_TARGET
from stackgen.verify.http import get_json, poll, post_json
from stackgen.verify.plan import AlertPlan
from stackgen.verify.report import FAILED, PROVEN, AlertResult

SWITCHABLE = ("drive", "alias")


class ProofFailed(Exception):
    """A step of a proof did not happen in time; the message says which."""


@dataclass(frozen=True)
class LiveStack:
    """The running stack as a proof sees it."""

    prometheus: str
    alertmanager: str
    sink: str
    services: dict[str, str]  # service name -> base URL
    runner: LocalStack
    routes: Callable[[dict[str, str]], list[str]]  # labels -> receivers, by Alertmanager's own routing
    slack: float  # seconds added to every wait: the fast clock's timers are short, a loaded machine is slow
    model: Spec  # the spec the stack runs: --fast divided the spec's `for`, windows and timers

    def component(self, name: str) -> Component | None:
        return next((c for c in self.runner.components if c.name == name), None)

    def longest_for(self, name: str) -> float:
        """Seconds an alert's slowest rule holds before it fires, as the running stack has it: the spec as
        written says `for: 5m` where --fast runs 5 s."""
        return max((seconds(a.for_) for a in self.model.alerts if a.name == name and a.for_), default=0.0)

    def longest_keep_firing(self, name: str) -> float:
        """Seconds an alert's rules keep firing after their expression stops holding, as the stack runs them."""
        return max((seconds(a.keep_firing_for) for a in self.model.alerts
                    if a.name == name and a.keep_firing_for), default=0.0)

    def prom_alerts(self, name: str, state: str | None = None) -> list[dict[str, Any]]:
        alerts = get_json(f"{self.prometheus}/api/v1/alerts")["data"]["alerts"]
        return [a for a in alerts if a["labels"].get("alertname") == name and state in (None, a["state"])]

    def am_alerts(self, name: str) -> list[dict[str, Any]]:
        return list(get_json(f"{self.alertmanager}/api/v2/alerts", {"filter": f'alertname="{name}"'}))

    def delivered(self, name: str, status: str, since: float) -> list[tuple[str, dict[str, str]]]:
        """(receiver, labels) of every notified alert of one name and status since `since` (epoch)."""
        return [(n["receiver"], a["labels"]) for n in get_json(f"{self.sink}/notifications")
                if n["received_at"] >= since for a in n["payload"].get("alerts", [])
                if a["labels"].get("alertname") == name and a["status"] == status]


def waited(what: str, probe: Callable[[], Any], timeout: float) -> Any:
    found = poll(probe, timeout)
    if not found:
        raise ProofFailed(f"{what} did not happen within {timeout:.0f} s")
    return found


class Switch:
    """Turns one alert's fault on and off: through the services' /admin/faults, or by stopping its target."""

    def __init__(self, stack: LiveStack, plan: AlertPlan) -> None:
        self.stack, self.plan = stack, plan
        self.target: Component | None = None
        self.urls: list[str] = []
        if plan.fault.kind == STOP_TARGET:
            self.target = stack.component(plan.fault.job or "")
            if self.target is None:
                raise ProofFailed(f"no local component runs scrape job {plan.fault.job!r}")
            return
        kinds = {url: get_json(f"{url}/admin/faults")["alerts"].get(plan.name, {}) for url in stack.services.values()}
        self.urls = [url for url, state in kinds.items() if state.get("kind") in SWITCHABLE]
        if not self.urls:
            reasons = "; ".join(f"{s.get('kind')}: {s.get('reason', '')}" for s in kinds.values())
            raise ProofFailed(f"no service can switch its fault ({reasons})")

    def set(self, active: bool) -> None:
        if self.target is not None:
            if active:
                self.stack.runner.halt(self.target)
            else:
                self.stack.runner.launch(self.target)
        for url in self.urls:
            post_json(f"{url}/admin/faults", {"alert": self.plan.name, "active": active})


def _active(alerts: list[dict[str, Any]]) -> bool:
    return any(a["status"]["state"] == "active" for a in alerts)


def _same(labels: dict[str, str], other: dict[str, str]) -> bool:
    return all(other.get(k) == v for k, v in labels.items())


def prove(stack: LiveStack, plan: AlertPlan, progress: Callable[[str], None]) -> AlertResult:
    name, how = plan.name, plan.fault.kind
    try:
        switch = Switch(stack, plan)
    except ProofFailed as exc:
        return AlertResult(name, FAILED, how, detail=str(exc))
    longest_for = stack.longest_for(name)
    fired_after: float | None = None
    delivered: set[str] = set()
    expected: set[str] = set()
    inhibited: list[str] = []
    try:
        # A proof sees the alert start firing: one that an earlier fault left firing (an SLO's long windows
        # remember another alert's errors) is waited out first, or its delivery happened before `since`.
        waited(f"{name} quiet before its fault (an earlier fault left it firing)",
               lambda: not stack.prom_alerts(name) and not _active(stack.am_alerts(name)), stack.slack)
        since, started = time.time(), time.monotonic()
        switch.set(True)
        progress(f"{name}: fault on ({how})")
        waited(f"{name} firing in Prometheus", lambda: stack.prom_alerts(name, "firing"), longest_for + stack.slack)
        fired_after = time.monotonic() - started
        progress(f"{name}: firing after {fired_after:.1f} s")
        severities = {r.severity for r in plan.rules}
        poll(lambda: severities <= {a["labels"].get("severity") for a in stack.prom_alerts(name, "firing")},
             longest_for + 5)
        firing = [a["labels"] for a in stack.prom_alerts(name, "firing")]

        def states() -> dict[int, str] | None:
            am = stack.am_alerts(name)
            found = {i: a["status"]["state"] for i, labels in enumerate(firing) for a in am if _same(labels, a["labels"])}
            return found if len(found) == len(firing) else None

        state = waited(f"{name} in Alertmanager", states, stack.slack)
        active = [labels for i, labels in enumerate(firing) if state[i] == "active"]
        suppressed = [labels for i, labels in enumerate(firing) if state[i] == "suppressed"]
        expected = {r for labels in active for r in stack.routes(labels)}

        def arrived() -> set[str] | None:
            got = {r for r, labels in stack.delivered(name, "firing", since) if any(_same(a, labels) for a in active)}
            return got if expected <= got else None

        waited(f"{name} delivered to {', '.join(sorted(expected))}", arrived, stack.slack)
        delivered = {r for r, _ in stack.delivered(name, "firing", since)}
        leaked = [(r, labels) for r, labels in stack.delivered(name, "firing", since)
                  if any(_same(s, labels) for s in suppressed)]
        if leaked:
            raise ProofFailed(f"inhibited {name} was delivered: {leaked}")
        if delivered != expected:
            raise ProofFailed(f"{name} went to {sorted(delivered)}, the routing says {sorted(expected)}")
        inhibited = sorted(s.get("severity", "?") for s in suppressed)
        progress(f"{name}: delivered to {', '.join(sorted(delivered))}")
    except (ProofFailed, OSError, ValueError, KeyError) as exc:
        switch_off(switch)
        return AlertResult(name, FAILED, how, fired_after, tuple(sorted(delivered)), tuple(sorted(expected)),
                           tuple(inhibited), detail=str(exc))
    return _resolve(stack, plan, switch, AlertResult(name, PROVEN, how, fired_after, tuple(sorted(delivered)),
                                                     tuple(sorted(expected)), tuple(inhibited)), progress)


def switch_off(switch: Switch) -> None:
    with contextlib.suppress(Exception):  # the proof already failed: its message matters more than this one
        switch.set(False)


def _resolve(stack: LiveStack, plan: AlertPlan, switch: Switch, result: AlertResult,
             progress: Callable[[str], None]) -> AlertResult:
    name = plan.name
    since, started = time.time(), time.monotonic()
    try:
        switch.set(False)
        waited(f"{name} resolved at {', '.join(result.delivered_to)}", lambda: set(result.delivered_to) <= {
            r for r, _ in stack.delivered(name, "resolved", since)}, stack.longest_keep_firing(name) + 2 * stack.slack)
        waited(f"{name} gone from Prometheus", lambda: not stack.prom_alerts(name), stack.slack)
    except (ProofFailed, OSError, ValueError, KeyError) as exc:
        return AlertResult(**{**result.__dict__, "status": FAILED, "detail": str(exc)})
    after = time.monotonic() - started
    progress(f"{name}: resolved after {after:.1f} s")
    return AlertResult(**{**result.__dict__, "resolved_after": after})
