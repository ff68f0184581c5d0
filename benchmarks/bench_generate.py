"""Benchmark: wall time and peak memory of `stackgen validate` and `stackgen generate`, cold, at 1x/10x/100x.

A synthetic spec of N times the default spec clones its services, metrics, thresholds, recording rules,
alert groups and dashboards N times with suffixed names (the expressions, thresholds and services they refer
to are renamed with them), so every copy validates and renders like the original. Each command runs in a
fresh process (a cold start: interpreter, imports, spec load, render) under `/usr/bin/time -v`.

    .venv/bin/python benchmarks/bench_generate.py [--sizes 1 10 100] [--repeat 3] [--spec stackgen/specs/patronus.yaml]

Prints a Markdown table (the median of --repeat runs) and the growth ratios. Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import copy
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
STACKGEN = Path(sys.executable).with_name("stackgen")
SERIES = ("", "_bucket", "_sum", "_count")
CLONED = ("services", "metrics", "recording_rules", "alert_groups", "dashboards")


def _renames(doc: dict, copy_no: int) -> dict[str, str]:
    """Every name a cloned section declares -> its name in copy `copy_no`."""
    tag = f"c{copy_no}"
    names = {}
    for metric in doc.get("metrics", []):
        for suffix in SERIES:
            names[metric["name"] + suffix] = f"{tag}_{metric['name']}{suffix}"  # prefix keeps _total/_seconds last
    for rule in doc.get("recording_rules", []):
        level, _, rest = rule["record"].partition(":")
        names[rule["record"]] = f"{level}:{tag}_{rest}" if rest else f"{tag}_{level}"
    for name in doc.get("thresholds", {}):
        names[name] = f"{name}_{tag}"
    for service in doc.get("services", []):
        names[service["name"]] = f"{service['name']}-{tag}"
    return names


def _renamer(names: dict[str, str]):
    pattern = re.compile(r"(?<![A-Za-z0-9_:-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
                         + r")(?![A-Za-z0-9_:-])")

    def rename(value):
        if isinstance(value, str):
            return pattern.sub(lambda m: names[m.group(1)], value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            return {rename(k): rename(v) for k, v in value.items()}
        return value

    return rename


def _suffix_ids(section: str, items: list, copy_no: int) -> None:
    """Names the renamer does not reach (groups, alerts, dashboards) get the copy number too."""
    for item in items:
        if section == "alert_groups":
            item["name"] = f"{item['name']}-c{copy_no}"
            for alert in item["alerts"]:
                alert["name"] = f"{alert['name']}C{copy_no}"
        elif section == "dashboards":
            item["uid"] = f"{item['uid'][:34]}-c{copy_no}"
            item["title"] = f"{item['title']} (copy {copy_no})"
        elif section == "services" and "port" in item:
            item["port"] = 20000 + (item["port"] + copy_no) % 40000


def scale_spec(doc: dict, factor: int) -> dict:
    """`doc` with its services, metrics, thresholds, rules, alerts and dashboards repeated `factor` times."""
    out = copy.deepcopy(doc)
    for copy_no in range(1, factor):
        rename = _renamer(_renames(doc, copy_no))
        for section in CLONED:
            items = rename(copy.deepcopy(doc.get(section, [])))
            _suffix_ids(section, items, copy_no)
            if items:
                out.setdefault(section, []).extend(items)
        out.setdefault("thresholds", {}).update(rename(copy.deepcopy(doc.get("thresholds", {}))))
    return out


def counts(doc: dict) -> str:
    alerts = sum(len(g["alerts"]) for g in doc.get("alert_groups", []))
    panels = sum(len(r["panels"]) for d in doc.get("dashboards", []) for r in d["rows"])
    return f"{len(doc['services'])} / {len(doc['metrics'])} / {alerts} / {panels}"


def measure(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one cold run of `command`."""
    proc = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stdout}{proc.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", proc.stderr)
    hours, minutes, seconds = wall.groups()
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds), int(rss.group(1)) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spec", type=Path, default=ROOT / "stackgen" / "specs" / "patronus.yaml")
    args = parser.parse_args()
    base = yaml.safe_load(args.spec.read_text())
    rows, walls = [], {}
    with tempfile.TemporaryDirectory(prefix="stackgen-bench-") as tmp:
        for size in args.sizes:
            doc = scale_spec(base, size)
            spec = Path(tmp) / f"spec-{size}x.yaml"
            spec.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
            for command in ("validate", "generate"):
                extra = ["--out", str(Path(tmp) / f"out-{size}x")] if command == "generate" else []
                runs = [measure([str(STACKGEN), command, str(spec), *extra]) for _ in range(args.repeat)]
                wall = statistics.median(r[0] for r in runs)
                rss = max(r[1] for r in runs)
                walls[(size, command)] = wall
                rows.append(f"| {size}x | {counts(doc)} | {spec.stat().st_size // 1024} KiB | {command} "
                            f"| {wall:.2f} s | {rss:.0f} MiB |")
    print("| size | services / metrics / alerts / panels | spec | command | wall (median) | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    small = min(args.sizes)
    for command in ("validate", "generate"):
        for size in args.sizes:
            if size != small:
                ratio = walls[(size, command)] / walls[(small, command)]
                print(f"{command}: {size}x / {small}x wall = {ratio:.1f} (linear would be {size // small})")


if __name__ == "__main__":
    main()
