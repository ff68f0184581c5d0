"""`stackgen verify`: the spec's stack run natively on free loopback ports, every alert and panel proven live.

    plan (which alerts, how, in which waves) -> start the stack (fault switches on, fast clock) -> wait for
    every target and rule -> panels on the healthy baseline -> alerts, wave by wave, concurrently within a
    wave -> inhibit rules, one pair of alerts at a time -> stop the stack -> a Report

The stack is the one `stackgen up` runs (`local.runner`), on ports reserved for this run, so it cannot
collide with a running `stackgen up` or another verify.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stackgen import process
from stackgen.errors import ToolError
from stackgen.local.exporters import dropping_exporters, unrunnable
from stackgen.local.ports import free_ports
from stackgen.local.runner import Binaries, LocalStack, StackError, plan_stack
from stackgen.model import Spec
from stackgen.pipeline import Loaded, prepare, render_stack, write_scratch
from stackgen.targets.layout import ALERTMANAGER_CONFIG
from stackgen.targets.local import HOST, LOCAL
from stackgen.verify.exporters import absent_reason, absent_series, merged_panels, unproven_panels, without_panels
from stackgen.verify.http import get_json, poll
from stackgen.verify.inhibit import prove_inhibition
from stackgen.verify.panels import check_panels
from stackgen.verify.plan import AlertPlan, plan_alerts, unprovable, waves
from stackgen.verify.prove import LiveStack, prove
from stackgen.verify.report import FAILED, SKIPPED, AlertResult, InhibitResult, PanelResult, Report
from stackgen.verify.tools import run_tool
from stackgen.wording import with_environment

STACK_PORTS = ("prometheus", "alertmanager", "webhook")
START_ATTEMPTS = 3  # a port reserved for us can still be taken by a process that binds a fixed one


@dataclass(frozen=True)
class VerifyOptions:
    binaries: Binaries
    factor: float = 60  # what `for`, windows and Alertmanager timers are divided by (1 = real time)
    tick: float = 0.5  # seconds between the service's background rounds
    slack: float = 60.0  # seconds every wait may take beyond what the clock says
    start_timeout: float = 90.0


Progress = Callable[[str], None]


def fast_model(loaded: Loaded, options: VerifyOptions) -> Spec:
    processors: list[process.Processor] = []
    dropped = unrunnable(loaded.spec, options.binaries.node_exporter)
    if dropped:
        processors.append(dropping_exporters({e.name for e in dropped}))
    if options.factor > 1:
        processors.append(process.faster_clock(options.factor))
    return prepare(loaded, tuple(processors))


def on_free_ports(spec: Spec) -> Spec:
    """The spec with every component this run starts on a port reserved for it."""
    ports = iter(free_ports(len(STACK_PORTS) + len(spec.services) + len(spec.exporters)))
    return process.moved_ports({k: next(ports) for k in STACK_PORTS}, {s.name: next(ports) for s in spec.services},
                               {e.name: next(ports) for e in spec.exporters})(spec)


def start_stack(loaded: Loaded, options: VerifyOptions, workdir: Path, progress: Progress) -> tuple[Spec, LocalStack]:
    base = fast_model(loaded, options)
    for attempt in range(1, START_ATTEMPTS + 1):
        model = on_free_ports(base)
        stack = LocalStack(plan_stack(model, str(loaded.path) if loaded.path else None, options.binaries,
                                      workdir / f"run{attempt}", faults=True, tick=options.tick,
                                      env=loaded.environment))
        try:
            stack.start(lambda c: progress(f"ready  {c.name:14} {c.url}"), timeout=options.start_timeout)
            return model, stack
        except StackError as exc:
            stack.stop()
            if "already in use" not in str(exc) or attempt == START_ATTEMPTS:
                raise
            progress("a port was taken meanwhile; starting again on other ports")
        except BaseException:  # interrupted while starting: what did start must not outlive the run
            stack.stop()
            raise
    raise AssertionError("unreachable: START_ATTEMPTS is at least 1")


def amtool_routes(model: Spec, folder: Path) -> Callable[[dict[str, str]], list[str]]:
    """The receivers Alertmanager's own routing (amtool, on the rendered config) picks for a label set."""
    config = write_scratch(render_stack(model, LOCAL), folder) / ALERTMANAGER_CONFIG

    @lru_cache(maxsize=256)
    def cached(labels: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
        run = run_tool("amtool", ["config", "routes", "test", f"--config.file={config}",
                                  *(f"{k}={v}" for k, v in labels)], timeout=30)
        if not run.ok:
            raise ToolError(f"amtool config routes test: {run.output}")
        said = [line for line in run.output.splitlines() if line.strip() and "--alertmanager.url" not in line]
        return tuple(said[0].strip().split(",")) if said else ()

    return lambda labels: list(cached(tuple(sorted(labels.items()))))


def wait_healthy(live: LiveStack, model: Spec, timeout: float) -> list[str]:
    """Every scrape target up and every rule evaluated; what is still wrong at the deadline."""
    problems: list[str] = []

    def healthy() -> bool:
        problems.clear()
        targets = get_json(f"{live.prometheus}/api/v1/targets")["data"]["activeTargets"]
        problems.extend(f"scrape target {t['labels'].get('job')} is {t['health']}: {t.get('lastError', '')}"
                        for t in targets if t["health"] != "up")
        rules = [r for g in get_json(f"{live.prometheus}/api/v1/rules")["data"]["groups"] for r in g["rules"]]
        problems.extend(f"rule {r['name']} is {r['health']}: {r.get('lastError', '')}"
                        for r in rules if r["health"] != "ok")
        if len(rules) < len(model.recording_rules) + len(model.alerts):
            problems.append(f"Prometheus loaded {len(rules)} rules of {len(model.recording_rules) + len(model.alerts)}")
        return not problems

    poll(healthy, timeout, every=1)
    return list(problems)


def prove_alerts(live: LiveStack, model: Spec, plans: list[AlertPlan], progress: Progress,
                 cannot_run: Callable[[AlertPlan], str | None] = lambda plan: None) -> dict[str, AlertResult]:
    results: dict[str, AlertResult] = {}
    runnable = []
    for plan in plans:
        reason = _mark_skip(cannot_run(plan)) or unprovable(plan)
        if plan.skip is not None:
            results[plan.name] = AlertResult(plan.name, SKIPPED, plan.fault.kind, detail=plan.skip)
        elif reason:
            results[plan.name] = AlertResult(plan.name, FAILED, plan.fault.kind, detail=f"cannot fire: {reason}")
            progress(f"{plan.name}: FAILED: cannot fire: {reason}")
        else:
            runnable.append(plan)
    groups = waves(model, runnable)
    for number, wave in enumerate(groups, 1):
        progress(f"wave {number} of {len(groups)}: {', '.join(p.name for p in wave)}")
        pool = ThreadPoolExecutor(max_workers=len(wave))
        try:
            for result in pool.map(lambda p: prove(live, p, progress), wave):
                results[result.alert] = result
                if result.status == FAILED:
                    progress(f"{result.alert}: FAILED: {result.detail}")
        finally:  # interrupted, the stack stops now: proofs still waiting on it then end at once
            pool.shutdown(wait=False, cancel_futures=True)
    return {p.name: results[p.name] for p in plans}


def _mark_skip(reason: str | None) -> str | None:
    return f"{reason}; mark it `verify: {{skip: <reason>}}` in the spec" if reason else None


def prove_inhibitions(live: LiveStack, model: Spec, plans: list[AlertPlan], results: dict[str, AlertResult],
                      progress: Progress) -> list[InhibitResult]:
    out = []
    for rule in model.routing.inhibit_rules if model.routing else ():
        result = prove_inhibition(live, model, rule, plans, results, progress)
        progress(f"inhibit rule {result.rule}: {result.status}: {result.detail}")
        out.append(result)
    return out


def verify(loaded: Loaded, options: VerifyOptions, progress: Progress = lambda line: None) -> Report:
    """Run the stack and prove every alert and panel of `loaded`; the stack is stopped whatever happens."""
    began = time.monotonic()
    plans = plan_alerts(loaded.spec)  # as the service derives them: from the spec as written
    with tempfile.TemporaryDirectory(prefix="stackgen-verify-") as tmp:
        model, stack = start_stack(loaded, options, Path(tmp), progress)
        try:
            ports = model.stack.ports
            prometheus, alertmanager, sink = (f"http://{HOST}:{ports[k]}" for k in STACK_PORTS)
            services = {s.name: f"http://{HOST}:{s.port}" for s in model.services}
            live = LiveStack(prometheus, alertmanager, sink, services, stack,
                             amtool_routes(model, Path(tmp) / "routes"), options.slack, model)
            problems = wait_healthy(live, model, options.slack)
            progress("stack healthy: every target up, every rule evaluated" if not problems else
                     "stack NOT healthy: " + "; ".join(problems))
            dropped = [e.name for e in loaded.spec.exporters if e.name not in {x.name for x in model.exporters}]
            absent = absent_series(loaded.spec.exporters, model)
            skipped = unproven_panels(model, absent, dropped)
            panels: list[PanelResult] = merged_panels(
                model, check_panels(without_panels(model, skipped), live.prometheus, options.slack, progress), skipped)
            alerts = prove_alerts(live, model, plans, progress,
                                  lambda plan: absent_reason((a.expr for a in plan.rules), absent, dropped))
            inhibitions = prove_inhibitions(live, model, plans, alerts, progress)
        finally:
            stack.stop()
    name = loaded.path.name if loaded.path else f"{loaded.spec.file} (embedded)"
    name = with_environment(name, loaded.environment)
    return Report(name, tuple(alerts.values()), tuple(panels), time.monotonic() - began, tuple(inhibitions),
                  tuple(problems))
