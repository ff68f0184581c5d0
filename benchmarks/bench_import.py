"""Benchmark: `stackgen import rules` on a rule set of 500 alerts (and 100 recording rules), target under 2 s.

The rule files are written by cloning the node-style fixture's groups 100 times under new group names and
alert names; the import runs in a fresh process each time (interpreter, imports, read, map, check, write).

    .venv/bin/python benchmarks/bench_import.py [--copies 100] [--repeat 3]

Prints the median wall and CPU time, and the load average. Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "import" / "node.rules.yaml"


def write_rule_set(folder: Path, copies: int) -> tuple[Path, int]:
    """`copies` clones of the fixture's groups in one file; returns the file and its alert count."""
    groups = yaml.safe_load(FIXTURE.read_text())["groups"]
    cloned, alerts = [], 0
    for n in range(copies):
        for group in groups:
            rules = []
            for rule in group["rules"]:
                rule = dict(rule)
                if "alert" in rule:
                    rule["alert"] = f"{rule['alert']}{n}"
                    alerts += 1
                else:
                    rule["record"] = f"{rule['record']}_{n}"
                rules.append(rule)
            cloned.append({**group, "name": f"{group['name']}-{n}", "rules": rules})
    path = folder / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": cloned}, sort_keys=False))
    return path, alerts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    stackgen = Path(sys.executable).parent / "stackgen"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rules, alerts = write_rule_set(folder, args.copies)
        times, cpu = [], []
        for i in range(args.repeat):
            out = folder / f"spec{i}.yaml"
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([str(stackgen), "import", "rules", str(rules), "--out", str(out)], check=True,
                           stdout=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        # Wall time on a shared machine follows its load; CPU time much less so: both are printed.
        print(f"import rules: {alerts} alerts, {rules.stat().st_size // 1024} KiB: wall median "
              f"{statistics.median(times):.2f} s, CPU median {statistics.median(cpu):.2f} s of {args.repeat} runs "
              f"(load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
