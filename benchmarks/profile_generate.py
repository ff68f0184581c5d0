"""Profile `stackgen generate` in one process: where its time and its memory go, stage by stage.

The command itself ends with os._exit (nothing to tear down), which a profiler around it never sees finish; so
this calls the pipeline's stages as the command does (load, build, write) on a spec of N times the default spec
(benchmarks/scale_spec.py) and reports each stage's time and the memory it leaves held, then, with --cprofile,
the functions that cost most, or with --tracemalloc, the lines that hold most memory at the peak.

    .venv/bin/python benchmarks/profile_generate.py [--size 100] [--cprofile [--top 30]] [--tracemalloc]

Compile the package first (`python -m compileall -q stackgen`), or the import figures include compiling it.
Measures; asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml
from scale_spec import scale_spec

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1)
    parser.add_argument("--spec", type=Path, default=ROOT / "stackgen" / "specs" / "patronus.yaml")
    parser.add_argument("--cprofile", action="store_true", help="the functions that cost most, by own time")
    parser.add_argument("--sort", default="tottime", help="pstats order for --cprofile (tottime, cumulative)")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--tracemalloc", action="store_true", help="the lines holding most memory at the peak")
    args = parser.parse_args()

    gc.disable()  # as the `stackgen` script runs a one-shot command (stackgen.cli.script)
    with tempfile.TemporaryDirectory(prefix="stackgen-profile-") as tmp:
        spec = Path(tmp) / f"spec-{args.size}x.yaml"
        doc = scale_spec(yaml.safe_load(args.spec.read_text()), args.size)
        spec.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=1000))
        del doc
        gc.collect()  # the synthetic spec's own data is not stackgen's
        import stackgen.spec.yamlsource as source

        source.MAX_BYTES = 1 << 30  # the 1000x spec is over the loader's cap for hand-written specs
        profile = cProfile.Profile() if args.cprofile else None
        if args.tracemalloc:
            tracemalloc.start()  # one frame: the lines that allocate
        stages(spec, Path(tmp) / "out" / "generated", profile, args.tracemalloc)
        if profile:
            pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(args.top)


def stages(spec: Path, out: Path, profile: cProfile.Profile | None, traced: bool) -> None:
    """load, build and write of `spec`, each timed (CPU) with the peak RSS after it."""
    held: dict[str, object] = {}

    def run(name: str, step):
        start_cpu, start = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        result = step()
        if profile:
            profile.disable()
        cpu, wall = time.process_time() - start_cpu, time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        traced_now = f", traced {tracemalloc.get_traced_memory()[0] / 2**20:.0f} MiB held" if traced else ""
        print(f"{name:<8} CPU {cpu:7.3f} s  wall {wall:7.3f} s  peak RSS so far {rss:5.0f} MiB{traced_now}", flush=True)
        held[name] = result
        return result

    def load_stage():
        from stackgen import pipeline

        return pipeline.load([spec])

    loaded = run("load", load_stage)
    from stackgen import pipeline

    artifacts = run("build", lambda: pipeline.build(loaded, "compose", out))
    run("write", lambda: pipeline.write(artifacts, out))
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        print(f"\ntraced peak {peak:.0f} MiB; what is held now, by line:")
        for stat in tracemalloc.take_snapshot().statistics("lineno")[:15]:
            print(f"  {stat.size / 2**20:7.1f} MiB  {stat.count:8d} blocks  {stat.traceback[0]}")
    files = sum(len(f) for f in artifacts.files.values()) + sum(len(f) for f in artifacts.root_files.values())
    print(f"\n{len(artifacts.files) + len(artifacts.root_files)} files, {files / 2**20:.1f} MiB of output")


if __name__ == "__main__":
    main()
