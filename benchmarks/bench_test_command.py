"""Benchmark: where the time of a cold `stackgen test` goes, the real tools against stackgen's own work.

Times `stackgen test SPEC` in a fresh process, then, on the same rendered files, the tool runs it makes
(`promtool test rules` once per test file: the spec's own cases and its SLOs' cases; `amtool config routes
test` once per routing case), each alone. `stackgen test` runs the promtool files and the routing cases side by
side, so the tools' wall time is the slowest of them, their CPU time the sum. What is left is stackgen's own,
split by phase in a fresh interpreter that does what the command does and marks the clock after each: interpreter
start, imports, spec load and checks, rendering the files the tools read, the scratch write; "the rest" is the
remainder (reading the tools' verdicts, the report, exit), and can come out below zero in wall time when the
machine's load moves between runs.

    .venv/bin/python benchmarks/bench_test_command.py [--spec specs/taskq.yaml] [--repeat 5] [--baseline DIR]

--baseline DIR also times `stackgen test` on another checkout's sources (PYTHONPATH=DIR, same venv), raced
with this one: before and after in one run, e.g. on `git archive main | tar -x -C DIR`.

Runs alternate; figures are medians; CPU time (user + system, promtool's included) is what a shared
machine's load does not inflate. Needs promtool and amtool on PATH. Measures; asserts nothing.

Measured on the default spec (39 alert cases, 10 of them an SLO's; 4 routing cases), --repeat 3, on a 2-core
machine shared with other work (load average 15 to 19 during the run: wall times are inflated several times
and vary; CPU times, promtool's included, hold), before = `--baseline` on main before the split:

| `stackgen test`, default spec | wall (median of 3) | CPU (median of 3) |
| --- | --- | --- |
| before: SLO rules in recording.yml and alerts.yml, loaded by every case; SLO cases to 30m every 10s | 286.0 s | 37.8 s |
| after: slos.yml and slos.test.yml apart, SLO cases to 5m every 1m, both files side by side | 43.7 s | 6.9 s |
| after, by part: promtool alerts.test.yml / slos.test.yml / amtool | 28.6 / 5.5 / 0.8 s | 5.3 / 0.8 / 0.1 s |

At a lighter load (3 to 7), one run each: before 36.2 s wall and 37.3 s CPU, after 12.5 s wall and 6.3 s CPU.

Then `stackgen test` rendered only what the tools read (the rule files, the test files, the Alertmanager config;
no grafanalib, dashboards or guide: 0.17 s of CPU down to 0.01 s) and ran the routing cases beside the promtool
files. --repeat 7, load average 2.2 to 4.1, before = `--baseline` on main before the change:

| `stackgen test`, default spec | wall (median of 7) | CPU (median of 7) |
| --- | --- | --- |
| before | 3.09 s | 2.73 s |
| after | 2.80 s | 2.56 s |
| after, the tools together (promtool alerts.test.yml 2.53 s wall, 1.90 s CPU) | 2.53 s | 2.27 s |
| after, stackgen's own: start 0.02, imports 0.09, load and checks 0.15, render 0.01, write 0.002 s CPU | 0.27 s | 0.29 s |

What is left of stackgen's own is the spec load and the imports (pydantic, typer, the model). One promtool run
over both test files costs the same CPU as two (promtool starts in 20 ms) and waits for their sum, not the
slower one (about 2.0 s wall against 1.7 s, measured alone), so the files stay in processes of their own.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_generate import Run, measure

from stackgen.pipeline import load, render_stack, write_scratch
from stackgen.render.rule_files import case_files
from stackgen.targets.compose import COMPOSE
from stackgen.targets.layout import ALERTMANAGER_CONFIG
from stackgen.verify.tools import find_tool

STACKGEN = Path(sys.executable).with_name("stackgen")
# stackgen's own work in `stackgen test`, phase by phase, in a fresh interpreter (cold imports, as the command
# runs): the seconds (wall, CPU) each phase ends at, printed as JSON.
PHASES = """
import json, sys, tempfile, time
from pathlib import Path
clock = lambda: (time.perf_counter(), time.process_time())
marks = [("start", clock())]
from stackgen.cli.app import app
from stackgen.pipeline import load, write_scratch
from stackgen.verify.spec_tests import tool_inputs
marks.append(("imports", clock()))
spec = load([Path(sys.argv[1])] if len(sys.argv) > 1 else []).spec
marks.append(("spec load and checks", clock()))
inputs = tool_inputs(spec)
marks.append(("render the tools' files", clock()))
with tempfile.TemporaryDirectory() as tmp:
    write_scratch(inputs, Path(tmp))
    marks.append(("scratch write", clock()))
print(json.dumps(marks))
"""
TEST = "stackgen test"
BASELINE = "stackgen test (baseline)"
AMTOOL = "amtool (all cases)"
START = "of which: interpreter start (python -c pass)"
PHASE_NAMES = ["imports", "spec load and checks", "render the tools' files", "scratch write"]  # as PHASES marks them
REST = "of which: the rest (results, report, exit)"


def phases(spec_args: list[str]) -> dict[str, Run]:
    """stackgen's own phases of one cold `stackgen test`, each as its own Run (wall, CPU; no RSS)."""
    proc = subprocess.run([sys.executable, "-c", PHASES, *spec_args], capture_output=True, text=True, check=True)
    marks = json.loads(proc.stdout)
    return {name: Run(wall - marks[i][1][0], cpu - marks[i][1][1], 0.0)
            for i, (name, (wall, cpu)) in enumerate(marks[1:])}


def in_folder(command: list[str], folder: Path) -> list[str]:
    return ["sh", "-c", 'cd "$0" && exec "$@"', str(folder), *command]


def total(runs: list[Run]) -> Run:
    return Run(sum(r.wall for r in runs), sum(r.cpu for r in runs), max(r.rss_mib for r in runs))


def table(wall: dict[str, float], cpu: dict[str, float], promtool_rows: list[str], phase_rows: list[str]) -> list[str]:
    """The markdown rows: each run, the tools together, what is left for stackgen, and that split by phase."""
    # The routing cases run beside the promtool files: the tools take as long as the slowest of them.
    wall["tools together"] = max(*(wall[r] for r in promtool_rows), wall[AMTOOL])
    cpu["tools together"] = sum(cpu[r] for r in promtool_rows) + cpu[AMTOOL]
    wall["stackgen's own (test - tools)"] = wall[TEST] - wall["tools together"]
    cpu["stackgen's own (test - tools)"] = cpu[TEST] - cpu["tools together"]
    own = [START, *phase_rows]
    wall[REST] = wall["stackgen's own (test - tools)"] - sum(wall[r] for r in own)
    cpu[REST] = cpu["stackgen's own (test - tools)"] - sum(cpu[r] for r in own)
    order = [*(r for r in wall if r not in own and r != REST), *own, REST]
    wall, cpu = {r: wall[r] for r in order}, {r: cpu[r] for r in order}
    rows = ["| part | wall (median) | share of wall | CPU (median) | share of CPU |", "| --- | --- | --- | --- | --- |"]
    rows += [f"| {name} | {wall[name]:.3f} s | {wall[name] / wall[TEST]:.0%} | {cpu[name]:.3f} s "
             f"| {cpu[name] / cpu[TEST]:.0%} |" for name in wall]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=None, help="spec file (default: the embedded Patronus spec)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout's root: its `stackgen test` races this one")
    args = parser.parse_args()
    spec = load([args.spec]).spec  # as `stackgen test` sees it: SLOs expanded
    routes = spec.routing.tests if spec.routing else ()
    promtool, amtool = find_tool("promtool"), find_tool("amtool")
    spec_args = [str(args.spec)] if args.spec else []
    files = case_files(spec)
    promtool_rows = [f"promtool test rules {f.path} ({sum(len(a.tests) for a in f.alerts)} cases)" for f in files]
    phase_rows = [f"of which: {name}" for name in PHASE_NAMES]
    runs: dict[str, list[Run]] = {name: [] for name in [TEST, *([BASELINE] if args.baseline else []), *promtool_rows,
                                                        AMTOOL, "stackgen --help", START, *phase_rows]}
    baseline_env = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())} if args.baseline else None
    with tempfile.TemporaryDirectory(prefix="stackgen-bench-test-") as tmp:
        folder = write_scratch(render_stack(spec, COMPOSE), Path(tmp))
        amtool_cases = [[amtool, "config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}",
                         f"--verify.receivers={','.join(t.receivers)}", *(f"{k}={v}" for k, v in t.labels.items())]
                        for t in routes]
        for _ in range(args.repeat):
            runs[TEST].append(measure([str(STACKGEN), "test", *spec_args]))
            if baseline_env:
                runs[BASELINE].append(measure([str(STACKGEN), "test", *spec_args], env=baseline_env))
            for row, file in zip(promtool_rows, files, strict=True):
                runs[row].append(measure(in_folder([promtool, "test", "rules", file.path], folder)))
            runs[AMTOOL].append(total([measure(in_folder(case, folder)) for case in amtool_cases]))
            runs["stackgen --help"].append(measure([str(STACKGEN), "--help"]))
            runs[START].append(measure([sys.executable, "-c", "pass"]))
            for name, run in phases(spec_args).items():
                runs[f"of which: {name}"].append(run)
    wall = {name: statistics.median(r.wall for r in rs) for name, rs in runs.items()}
    cpu = {name: statistics.median(r.cpu for r in rs) for name, rs in runs.items()}
    print(f"{spec.file}: {sum(len(a.tests) for a in spec.alerts)} alert cases, {len(routes)} routing cases; "
          f"medians of {args.repeat}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end\n")
    print("\n".join(table(wall, cpu, promtool_rows, phase_rows)))


if __name__ == "__main__":
    main()
