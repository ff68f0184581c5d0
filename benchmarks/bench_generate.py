"""Benchmark: cold `stackgen generate`, `validate` and `--help` at 1x/10x/100x/1000x, raced against a peer.

A synthetic spec of N times the default spec clones its services, metrics, thresholds, recording rules,
alert groups and dashboards N times with suffixed names (the expressions, thresholds and services they refer
to are renamed with them), so every copy validates and renders like the original. Each command runs in a
fresh process (a cold start: interpreter, imports, spec load, render, write); wall time is taken around the
process, peak RSS from the kernel's accounting of it. Runs alternate between the commands (and the peer, and
a --baseline source tree), so a shared machine's load falls on all of them alike; figures are medians.

The peer is what a team that writes a monitoring mixin instead runs: the Prometheus node-mixin rendered by
go-jsonnet (../shared/peers/README.md). Where it is absent, stackgen's own figures are printed alone.

    .venv/bin/python benchmarks/bench_generate.py [--sizes 1 10 100 1000] [--repeat 7] [--large-repeat 3]
        [--baseline DIR] [--peer ../shared/peers] [--peer-python .peer-venv/bin/python]

--baseline DIR runs the same commands on another checkout's sources (PYTHONPATH=DIR, same venv): before and
after in one run. A spec over the loader's size cap (the 1000x one) is run with the cap lifted for that run
only, and marked so. The alerts and panels in the table are those generate wrote (the SLOs' alerts and
dashboard included), counted in its output; services and metrics are the spec's. Before measuring, the
sources measured are compiled to bytecode, as an installed wheel has them (the environment may forbid
writing it, and a cold run would then compile every module again). A floor row times a bare interpreter
importing the libraries generate runs on, no stackgen code: what no change of stackgen's own can remove. Last,
the time to find the metric names
of a sum of N terms (`--deep-terms`), in this process. Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from scale_spec import counts, scale_spec

ROOT = Path(__file__).resolve().parent.parent
STACKGEN = Path(sys.executable).with_name("stackgen")
PEER_SETUP = "python3 -m venv .peer-venv && .peer-venv/bin/pip install gojsonnet pyyaml"
SIZE_CAP = 5 * 1024 * 1024  # stackgen.spec.yamlsource.MAX_BYTES
# A cold `stackgen` with the loader's size cap raised, for specs bigger than a person would write.
UNCAPPED = ("import sys, stackgen.spec.yamlsource as y; y.MAX_BYTES = 1 << 30; sys.argv[0] = 'stackgen'; "
            "from {entry} import main; main()")
# A --baseline tree from before the script's entry moved to stackgen.cli.script is run as its own script ran:
# stackgen.cli.app's main, imported first.
OLD_SCRIPT = "import sys; sys.argv[0] = 'stackgen'; from stackgen.cli.app import main; main()"
# What `generate` cannot go below while it uses these libraries: importing them in a bare interpreter (the CLI,
# the typed spec, YAML, the guide's Jinja2, grafanalib for dashboards, the PromQL parser), no stackgen code.
LIBRARY_FLOOR = "import typer, pydantic, yaml, jinja2, grafanalib.core, promql_parser"



@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float  # what wall time would be on an idle machine, near enough: a shared machine inflates wall only
    rss_mib: float


Runner = Callable[[], Run]


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Wall seconds, CPU seconds (user + system) and peak RSS of one cold run of `command`."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    output = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}):\n{output.decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def stackgen_cmd(args: list[str], uncapped: bool, env: dict[str, str] | None = None) -> list[str]:
    """The `stackgen` command line of a variant (env None: this tree's sources)."""
    old = env is not None and not Path(env["PYTHONPATH"], "stackgen", "cli", "script.py").exists()
    if uncapped:
        return [sys.executable, "-c", UNCAPPED.format(entry="stackgen.cli.app" if old else "stackgen.cli.script"), *args]
    return [sys.executable, "-c", OLD_SCRIPT, *args] if old else [str(STACKGEN), *args]


def race(runners: dict[str, Runner], repeat: int) -> dict[str, list[Run]]:
    """Every runner `repeat` times, interleaved, so load and cache state fall on all of them alike."""
    results: dict[str, list[Run]] = {name: [] for name in runners}
    for _ in range(repeat):
        for name, run in runners.items():
            results[name].append(run())
    return results


# Where node-mixin/vendor/ (grafonnet) is missing, its dashboards cannot be rendered: the alerts and rules still
# can, one fresh VM per file as render_node_mixin.py does, so that part is raced and the figures say so.
PEER_RULES_ONLY = (
    "import json, os, sys, _gojsonnet\n"
    "mixin, out = sys.argv[1:3]\n"
    "for src, dst in (('alerts.jsonnet', 'node_alerts.yaml'), ('rules.jsonnet', 'node_rules.yaml')):\n"
    "    text = _gojsonnet.evaluate_file(os.path.join(mixin, src), jpathdir=[os.path.join(mixin, 'vendor')])\n"
    "    open(os.path.join(out, dst), 'w').write(json.loads(text))\n")


@dataclass
class Peer:
    command: list[str]  # followed by the output folder
    stats: dict[str, int]
    line: str


def find_peer(folder: Path, python: Path) -> tuple[Peer | None, str]:
    """The peer's render command and counts when it can run here, and a line saying what was found."""
    script, mixin = folder / "render_node_mixin.py", folder / "node-mixin"
    if not script.is_file() or not mixin.is_dir():
        return None, f"peer not found ({folder}/render_node_mixin.py is absent): stackgen's own figures only"
    if not python.is_file():
        return None, f"peer found at {folder}, but not its Python ({python}); set it up with: {PEER_SETUP}"
    full = (mixin / "vendor").is_dir()
    command = [str(python), str(script), str(mixin)] if full else [str(python), "-c", PEER_RULES_ONLY, str(mixin)]
    with tempfile.TemporaryDirectory(prefix="stackgen-peer-") as out:
        proc = subprocess.run([*command, out, *(["--stats"] if full else [])], capture_output=True, text=True,
                              timeout=300)
        if proc.returncode != 0:
            return None, f"peer found at {folder}, but it failed ({proc.stderr.strip()[-300:]}); {PEER_SETUP}"
        stats = json.loads(proc.stdout.strip().splitlines()[-1]) if full else _rule_counts(Path(out))
    what = (f"{stats['alerts']} alerts, {stats['recording_rules']} recording rules, {stats['dashboards']} dashboards "
            f"with {stats['panels']} panels") if full else \
        (f"{stats['alerts']} alerts and {stats['recording_rules']} recording rules only: {mixin}/vendor/ "
         "(grafonnet) is missing, so its dashboards cannot be rendered and the per-panel ratio is not measured")
    line = f"peer: node-mixin rendered by go-jsonnet ({what})"
    return Peer(command, stats, line), line


def _rule_counts(out: Path) -> dict[str, int]:
    alerts, rules = (yaml.safe_load((out / name).read_text()) for name in ("node_alerts.yaml", "node_rules.yaml"))
    return {"alerts": sum(len(g["rules"]) for g in alerts["groups"]),
            "recording_rules": sum(len(g["rules"]) for g in rules["groups"]), "dashboards": 0, "panels": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each command at 1x and of --help")
    parser.add_argument("--large-repeat", type=int, default=3, help="runs at 10x and 100x (1000x runs once)")
    parser.add_argument("--spec", type=Path, default=ROOT / "stackgen" / "specs" / "patronus.yaml")
    parser.add_argument("--baseline", type=Path, help="another checkout's root: its sources race these")
    parser.add_argument("--peer", type=Path, default=ROOT.parent / "shared" / "peers")
    parser.add_argument("--peer-python", type=Path, default=ROOT / ".peer-venv" / "bin" / "python")
    parser.add_argument("--deep-terms", type=int, nargs="*", default=[100, 200, 500, 1000],
                        help="sums of this many terms whose metric names are found (none: skip)")
    args = parser.parse_args()

    peer, peer_line = find_peer(args.peer, args.peer_python)
    variants: dict[str, dict[str, str] | None] = {"stackgen": None}
    if args.baseline:
        variants["baseline"] = {**os.environ, "PYTHONPATH": str(args.baseline.resolve())}
    print(compile_sources([ROOT, *([args.baseline.resolve()] if args.baseline else [])]), flush=True)
    base = yaml.safe_load(args.spec.read_text())
    rows: list[str] = []
    walls: dict[tuple[str, int], float] = {}
    cpus: dict[tuple[str, int], float] = {}
    sizes: dict[int, dict[str, int]] = {}
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {peer_line}", flush=True)
    with tempfile.TemporaryDirectory(prefix="stackgen-bench-") as tmp:
        for size in args.sizes:
            doc = scale_spec(base, size)
            spec = Path(tmp) / f"spec-{size}x.yaml"
            spec.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000))
            sizes[size] = counts(doc)  # alerts and panels: the spec's, until generate's output is counted
            first = size == min(args.sizes)
            runners = size_runners(spec, Path(tmp), variants, with_help=first)
            if peer and first:
                (Path(tmp) / "peer-out").mkdir()
                runners["peer node-mixin"] = lambda: measure([*peer.command, str(Path(tmp) / "peer-out")])
            repeat = args.repeat if size == 1 else args.large_repeat if size <= 100 else 1
            results = race(runners, repeat)
            sizes[size].update(rendered_counts(Path(tmp) / f"out-stackgen-{spec.stem}" / "generated"))
            for name, runs in results.items():
                walls[(name, size)] = statistics.median(r.wall for r in runs)
                cpus[(name, size)] = statistics.median(r.cpu for r in runs)
                rows.append(table_row(size, spec, name, runs, sizes[size], peer))
            print(f"measured {size}x", file=sys.stderr, flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}\n")
    print("| size | services / metrics (spec) / alerts / panels (rendered) | spec | command | wall (median) | wall range "
          "| CPU (median) | runs | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    for clock, times in (("wall", walls), ("CPU", cpus)):
        print(f"\nBy {clock} time (medians):")
        if len(sizes) > 1:
            report_scaling(times, sizes, variants)
        if peer:
            report_peer(times, sizes, peer, variants, min(args.sizes))
    print(f"\n{peer_line}")
    if args.deep_terms:
        print("\n" + deep_expression_lines(args.deep_terms))


def compile_sources(roots: list[Path]) -> str:
    """Bytecode for the stackgen sources under each root, as a wheel install has it; a line saying so."""
    for root in roots:
        if not compileall.compile_dir(root / "stackgen", quiet=1):
            raise SystemExit(f"could not compile {root / 'stackgen'} to bytecode")
    return f"bytecode: compiled {', '.join(str(r / 'stackgen') for r in roots)} before measuring"


def rendered_counts(out: Path) -> dict[str, int]:
    """Alerts and panels in a generate output folder: what was rendered, the SLOs' expansion included."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    alerts = 0
    for path in (out / "prometheus").glob("*.yml"):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        if isinstance(data, dict) and "groups" in data:
            alerts += sum(1 for g in data["groups"] for rule in g.get("rules", []) if "alert" in rule)
    panels = 0
    for path in (out / "grafana" / "dashboards").glob("*.json"):
        for panel in json.loads(path.read_text(encoding="utf-8")).get("panels", []):
            panels += len(panel.get("panels", [])) if panel.get("type") == "row" else 1
    return {"alerts": alerts, "panels": panels}


def deep_expression_lines(term_counts: list[int]) -> str:
    """How long finding the metric names of `a + a + ...` takes as the sum grows: parse, then the search."""
    from stackgen import promql

    lines = []
    for terms in term_counts:
        expr = " + ".join(f"m{i % 10}_total" for i in range(terms))
        start = time.perf_counter()
        tree = promql.parse(expr)
        parsed = time.perf_counter()
        names = promql.metric_names_in(tree)
        done = time.perf_counter()
        lines.append(f"metric names of a sum of {terms} terms: parse {(parsed - start) * 1000:.1f} ms, "
                     f"names {(done - parsed) * 1000:.2f} ms ({len(names)} names)")
    return "\n".join(lines)


def size_runners(spec: Path, tmp: Path, variants: dict[str, dict[str, str] | None], with_help: bool) -> dict[str, Runner]:
    """validate and generate of `spec` (and --help) for each variant, by name."""
    uncapped = spec.stat().st_size > SIZE_CAP
    runners: dict[str, Runner] = {}
    for variant, env in variants.items():
        out = tmp / f"out-{variant}-{spec.stem}" / "generated"  # one parent each: one compose file per parent
        for command, extra in (("validate", []), ("generate", ["--out", str(out)])):
            argv = stackgen_cmd([command, str(spec), *extra], uncapped, env)
            runners[f"{variant} {command}"] = lambda argv=argv, env=env: measure(argv, env)
        if with_help:
            runners[f"{variant} --help"] = lambda env=env: measure(stackgen_cmd(["--help"], False, env), env)
    if with_help:
        runners["floor: the libraries' imports"] = lambda: measure([sys.executable, "-c", LIBRARY_FLOOR])
    return runners


def table_row(size: int, spec: Path, name: str, runs: list[Run], shape: dict[str, int], peer: Peer | None) -> str:
    walls = [r.wall for r in runs]
    if name.startswith("peer") and peer:
        what, spec_size = f"- / - / {peer.stats['alerts']} / {peer.stats['panels'] or '-'}", "-"
    elif name.startswith("floor"):
        what, spec_size = "(no spec)", "-"
    else:
        what = f"{shape['services']} / {shape['metrics']} / {shape['alerts']} / {shape['panels']}"
        spec_size = f"{spec.stat().st_size // 1024} KiB" + (" (over the size cap: lifted)"
                                                             if spec.stat().st_size > SIZE_CAP else "")
    return (f"| {size}x | {what} | {spec_size} | {name} | {statistics.median(walls):.3f} s | "
            f"{min(walls):.3f}-{max(walls):.3f} s | {statistics.median(r.cpu for r in runs):.3f} s | {len(runs)} | "
            f"{max(r.rss_mib for r in runs):.0f} MiB |")


def report_scaling(times: dict[tuple[str, int], float], sizes: dict[int, dict[str, int]], variants: dict) -> None:
    """Added cost per alert over the smallest size: constant when the work grows linearly."""
    small = min(sizes)
    for variant in variants:
        for command in ("validate", "generate"):
            per_alert = {}
            for size in sorted(sizes):
                if size == small:
                    continue
                added = times[(f"{variant} {command}", size)] - times[(f"{variant} {command}", small)]
                per_alert[size] = added / (sizes[size]["alerts"] - sizes[small]["alerts"]) * 1000
            text = ", ".join(f"{size}x {ms:.2f} ms" for size, ms in per_alert.items())
            line = f"{variant} {command}: added cost per alert over {small}x: {text}"
            if 10 in per_alert and 100 in per_alert:
                line += f"; 100x/10x = {per_alert[100] / per_alert[10]:.2f} (linear: within 1.10)"
            print(line)


def report_peer(times: dict[tuple[str, int], float], sizes: dict, peer: Peer, variants: dict, small: int) -> None:
    """stackgen's generate against the peer's render: overall, per alert and per panel (lower is faster)."""
    mixin = times[("peer node-mixin", small)]
    ours, theirs = sizes[small], peer.stats
    for variant in variants:
        gen = times[(f"{variant} generate", small)]
        per_panel = f"{(gen / ours['panels']) / (mixin / theirs['panels']):.2f}" if theirs["panels"] else "n/a"
        print(f"{variant} generate at {small}x / peer: {gen / mixin:.2f} overall, "
              f"{(gen / ours['alerts']) / (mixin / theirs['alerts']):.2f} per alert, {per_panel} per panel")


if __name__ == "__main__":
    main()
