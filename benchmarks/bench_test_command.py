"""Benchmark: where the time of a cold `stackgen test` goes, the real tools against stackgen's own work.

Times `stackgen test SPEC` in a fresh process, then, on the same rendered files, the tool runs it makes
(`promtool test rules` once, `amtool config routes test` once per routing case), each alone. What is left
is stackgen's own: interpreter start, imports, spec load and checks, render, scratch files, reporting.

    .venv/bin/python benchmarks/bench_test_command.py [--spec specs/patronus.yaml] [--repeat 5]

Runs alternate; figures are medians. Needs promtool and amtool on PATH. Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from bench_generate import Run, measure

from stackgen.pipeline import render_stack, write_scratch
from stackgen.spec.loader import load_spec
from stackgen.targets.compose import COMPOSE
from stackgen.targets.layout import ALERT_TESTS, ALERTMANAGER_CONFIG
from stackgen.verify.tools import find_tool

STACKGEN = Path(sys.executable).with_name("stackgen")


def in_folder(command: list[str], folder: Path) -> list[str]:
    return ["sh", "-c", 'cd "$0" && exec "$@"', str(folder), *command]


def total(runs: list[Run]) -> Run:
    return Run(sum(r.wall for r in runs), sum(r.cpu for r in runs), max(r.rss_mib for r in runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=None, help="spec file (default: the embedded Patronus spec)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    spec = load_spec(args.spec)
    routes = spec.routing.tests if spec.routing else ()
    promtool, amtool = find_tool("promtool"), find_tool("amtool")
    runs: dict[str, list[Run]] = {"stackgen test": [], "promtool test rules": [], "amtool (all cases)": [],
                                    "stackgen --help": []}
    with tempfile.TemporaryDirectory(prefix="stackgen-bench-test-") as tmp:
        folder = write_scratch(render_stack(spec, COMPOSE), Path(tmp))
        amtool_cases = [[amtool, "config", "routes", "test", f"--config.file={ALERTMANAGER_CONFIG}",
                         f"--verify.receivers={','.join(t.receivers)}", *(f"{k}={v}" for k, v in t.labels.items())]
                        for t in routes]
        for _ in range(args.repeat):
            runs["stackgen test"].append(measure([str(STACKGEN), "test", *([str(args.spec)] if args.spec else [])]))
            runs["promtool test rules"].append(measure(in_folder([promtool, "test", "rules", ALERT_TESTS], folder)))
            runs["amtool (all cases)"].append(total([measure(in_folder(case, folder)) for case in amtool_cases]))
            runs["stackgen --help"].append(measure([str(STACKGEN), "--help"]))
    wall = {name: statistics.median(r.wall for r in rs) for name, rs in runs.items()}
    cpu = {name: statistics.median(r.cpu for r in rs) for name, rs in runs.items()}
    for figures in (wall, cpu):
        figures["tools together"] = figures["promtool test rules"] + figures["amtool (all cases)"]
        figures["stackgen's own (test - tools)"] = figures["stackgen test"] - figures["tools together"]
    print(f"{spec.file}: {sum(len(a.tests) for a in spec.alerts)} alert cases, {len(routes)} routing cases; "
          f"medians of {args.repeat}\n")
    print("| part | wall (median) | share of wall | CPU (median) | share of CPU |")
    print("| --- | --- | --- | --- | --- |")
    for name in wall:
        print(f"| {name} | {wall[name]:.3f} s | {wall[name] / wall['stackgen test']:.0%} | {cpu[name]:.3f} s "
              f"| {cpu[name] / cpu['stackgen test']:.0%} |")


if __name__ == "__main__":
    main()
