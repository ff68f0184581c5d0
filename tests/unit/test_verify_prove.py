"""How long a live proof waits for an alert to fire: the `for` of the rules the running stack evaluates (the
spec's divided by --fast's factor) plus the slack, never the `for` the spec as written says."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackgen import process
from stackgen.cli.init import render_starter_spec
from stackgen.local.runner import Component
from stackgen.pipeline import load, prepare
from stackgen.verify import prove as prove_module
from stackgen.verify.plan import plan_alerts
from stackgen.verify.prove import LiveStack, prove
from stackgen.verify.report import FAILED

SLACK = 5.0


class Runner:
    """A stack whose one component, the service `app`, can be halted and launched without running."""

    def __init__(self, folder: Path) -> None:
        self.components = [Component("app", ["true"], 8000, "http://127.0.0.1:8000/", folder / "app.log")]
        self.calls: list[str] = []

    def halt(self, component: Component) -> None:
        self.calls.append(f"halt {component.name}")

    def launch(self, component: Component) -> None:
        self.calls.append(f"launch {component.name}")


class SilentStack(LiveStack):
    """A running stack in which no alert ever fires."""

    def prom_alerts(self, name: str, state: str | None = None) -> list:
        return []

    def am_alerts(self, name: str) -> list:
        return []


@pytest.mark.parametrize(("case", "factor", "firing_wait"), [
    ("at 60 times the speed, ServiceDown's `for: 1m` runs as 1 s", 60, 1 + SLACK),
    ("on the real clock, it runs as the spec says", 1, 60 + SLACK),
])
def test_the_firing_wait_is_the_running_stacks_for_plus_the_slack(case, factor, firing_wait, tmp_path, monkeypatch):
    path = tmp_path / "stackgen.yaml"
    path.write_text(render_starter_spec("shop", "app", 8000))
    loaded = load([path])
    model = prepare(loaded, (process.faster_clock(factor),) if factor > 1 else ())
    waits: list[float] = []

    def poll(probe, timeout, every=0.5):
        waits.append(timeout)
        return probe()

    monkeypatch.setattr(prove_module, "poll", poll)
    runner = Runner(tmp_path)
    stack = SilentStack("http://prometheus", "http://alertmanager", "http://sink", {}, runner,  # type: ignore[arg-type]
                        lambda labels: [], SLACK, model)
    plan = next(p for p in plan_alerts(loaded.spec) if p.name == "ServiceDown")
    result = prove(stack, plan, lambda line: None)
    assert (result.status, result.detail) == (
        FAILED, f"ServiceDown firing in Prometheus did not happen within {firing_wait:.0f} s")
    assert waits == [SLACK, firing_wait]
    assert runner.calls == ["halt app", "launch app"]  # the fault is switched off after the failed proof
