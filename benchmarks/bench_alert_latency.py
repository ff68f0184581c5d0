"""Benchmark: time from injecting a fault to the webhook notification, against the bound the config implies.

Runs the default spec natively (as `stackgen up` does, on free loopback ports), then --runs times: switch the
fault on, wait for the alert's firing notification at the webhook sink, switch it off, wait for the resolved
one. The bound is scrape interval + evaluation interval + `for` + the delivering route's `group_wait`;
the service's own probe tick comes on top (the fault shows in the metrics at its next round).

    .venv/bin/python benchmarks/bench_alert_latency.py [--fault path_down --alert PathDown]
        [--factor 30] [--interval 1s] [--runs 5] [--tick 0.5]
    .venv/bin/python benchmarks/bench_alert_latency.py --factor 1 --no-fast --runs 2   # the real timers

Prints one line per run and a summary. Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

# The tests' support package (free ports, stack probes) is not shipped in stackgen; it lives in tests/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from support.ports import free_ports
from support.probe import StackURLs, matches, wait_for

from stackgen.local.runner import LocalStack, find_binaries, plan_stack
from stackgen.model import Route, Spec
from stackgen.process.fast import seconds, speed_up, with_ports
from stackgen.spec.loader import load_spec


def _matches(matchers: tuple[str, ...], labels: dict[str, str]) -> bool:
    for text in matchers:
        name, op, value = re.match(r'^\s*(\w+)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$', text).groups()
        have = labels.get(name, "")
        ok = {"=": have == value, "!=": have != value, "=~": re.fullmatch(value, have) is not None,
              "!~": re.fullmatch(value, have) is None}[op]
        if not ok:
            return False
    return True


def group_waits(spec: Spec, labels: dict[str, str]) -> dict[str, str]:
    """receiver -> the group_wait of the route that delivers to it (first-level routes, as Patronus uses)."""
    out: dict[str, str] = {}

    def walk(routes: tuple[Route, ...], inherited: str) -> bool:
        for route in routes:
            if _matches(route.matchers, labels):
                wait = route.group_wait or inherited
                if not walk(route.routes, wait):
                    out.setdefault(route.receiver, wait)
                if not route.continue_:
                    return True
        return False

    if not walk(spec.routing.routes, spec.routing.group_wait):
        out[spec.routing.receiver] = spec.routing.group_wait
    return out


def start(args) -> tuple[LocalStack, StackURLs, Spec]:
    names = ("prometheus", "alertmanager", "webhook")
    ports = dict(zip((*names, "service", "exporter"), free_ports(len(names) + 2)))
    spec = load_spec(None)
    spec = with_ports(spec, {n: ports[n] for n in names}, {s.name: ports["service"] for s in spec.services[:1]},
                      {e.name: ports["exporter"] for e in spec.exporters})
    if args.fast:
        spec = speed_up(spec, interval=args.interval, factor=args.factor)
    workdir = Path(tempfile.mkdtemp(prefix="stackgen-bench-"))
    stack = LocalStack(plan_stack(spec, None, find_binaries(), workdir, faults=True, tick=args.tick))
    urls = StackURLs(*(f"http://127.0.0.1:{ports[k]}" for k in ("prometheus", "alertmanager", "webhook", "service")))
    return stack, urls, spec


def run_once(urls: StackURLs, args, timeout: float, group_interval: str, last: bool) -> dict[str, float]:
    """Seconds from switching the fault on to the firing notification, per receiver."""
    target = urls.faults()[args.fault].get("target") or ""
    wanted = dict(item.split("=", 1) for item in target.split(",") if item)
    t0 = time.time()
    urls.set_fault(args.fault, True)
    try:
        def arrived():
            got = {}
            for receiver, alert, at in urls.delivered(args.alert, "firing", t0):
                if matches(alert["labels"], wanted):
                    got.setdefault(receiver, at - t0)
            return got if len(got) >= args.receivers else None

        latencies = wait_for(f"{args.alert} notification", arrived, timeout)
    finally:
        urls.set_fault(args.fault, False)
    if last:
        return latencies
    wait_for(f"{args.alert} resolved at the sink", lambda: urls.delivered(args.alert, "resolved", t0), timeout)
    # Alertmanager drops an aggregation group one group_interval after its last alert resolved; a new alert
    # in a group that still exists waits for group_interval instead of group_wait.
    time.sleep(seconds(group_interval) + 2)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fault", default="path_down")
    parser.add_argument("--alert", default="PathDown")
    parser.add_argument("--receivers", type=int, default=3, help="wait until this many receivers got it")
    parser.add_argument("--factor", type=float, default=30)
    parser.add_argument("--interval", default="1s")
    parser.add_argument("--no-fast", dest="fast", action="store_false", help="keep the spec's own timers")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tick", type=float, default=0.5)
    parser.add_argument("--warmup", type=float, default=15,
                        help="seconds to wait after every target is up: the first alert after Prometheus "
                             "starts is about 5 s slower")
    args = parser.parse_args()

    stack, urls, spec = start(args)
    alert = next(a for a in spec.alerts if a.name == args.alert)
    labels = {"alertname": alert.name, "severity": alert.severity, **({"service": alert.service} if alert.service else {})}
    waits = group_waits(spec, labels)
    s = spec.settings
    base = seconds(s.scrape_interval) + seconds(s.evaluation_interval) + seconds(alert.for_ or "0s")
    print(f"{alert.name}: scrape {s.scrape_interval} + evaluation {s.evaluation_interval} + for {alert.for_} "
          f"+ group_wait {', '.join(f'{r} {w}' for r, w in waits.items())}; service tick {args.tick:g}s")
    timeout = 3 * (base + max(seconds(w) for w in waits.values())) + 60
    measured: dict[str, list[float]] = {}
    try:
        stack.start()
        wait_for("every target up", lambda: all(t["health"] == "up" for t in urls.prom("/api/v1/targets")["activeTargets"]), 60)
        time.sleep(args.warmup)
        for i in range(args.runs):
            latencies = run_once(urls, args, timeout, spec.routing.group_interval, i == args.runs - 1)
            for receiver, value in latencies.items():
                measured.setdefault(receiver, []).append(value)
            print(f"run {i + 1}: " + ", ".join(f"{r} {v:.2f}s" for r, v in sorted(latencies.items())), flush=True)
    finally:
        stack.stop()
    print("\n| receiver | bound (s) | median (s) | min (s) | max (s) | max - bound (s) |\n|---|---|---|---|---|---|")
    for receiver, values in sorted(measured.items()):
        bound = base + seconds(waits.get(receiver, spec.routing.group_wait))
        print(f"| {receiver} | {bound:.1f} | {statistics.median(values):.2f} | {min(values):.2f} | "
              f"{max(values):.2f} | {max(values) - bound:+.2f} |")


if __name__ == "__main__":
    main()
