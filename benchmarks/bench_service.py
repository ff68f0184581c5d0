"""Load test of the demo service: requests per second, and what the HTTP metrics middleware costs.

    .venv/bin/python benchmarks/bench_service.py [--seconds 10] [--connections 4] [--rounds 4] [--path /health/live]

Two measurements, both against the same app built with and without the middleware:
1. over loopback: the service runs in its own process (uvicorn, one worker, no background traffic), and
   `wrk` (or, if missing, a small asyncio keep-alive client) drives it for `--seconds` per run; the variants
   alternate (ABBA) for `--rounds` rounds. Reported: median requests/second, the median over rounds of the
   throughput cost, and the server's own CPU time per request (from /proc);
2. in-process: the ASGI app is called directly `--calls` times per batch, batches of the two variants
   interleaved, best of 5: the middleware's cost per request without the network and the load generator.
Loopback only, bounded in time; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

# Run as a script: the project (stackgen) and the tests' support package (free ports), which stackgen does not ship.
sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent.parent / "tests")]

from support.ports import free_port  # noqa: E402

VARIANTS = ("instrumented", "bare")
# --pin gives the server and the load generator one core each (taskset). Off by default: on a shared
# machine a pinned process cannot move away from someone else's load.
PIN_SERVER: list[str] = []
PIN_LOAD: list[str] = []


def build_app(variant: str):
    from stackgen.service.app import ServeOptions, create_app
    from stackgen.spec.loader import load_spec
    return create_app(load_spec(None), options=ServeOptions(traffic=False, instrument_http=variant == "instrumented"))


def serve(variant: str, port: int) -> None:
    import uvicorn
    uvicorn.run(build_app(variant), host="127.0.0.1", port=port, log_level="warning", access_log=False)


def start_server(variant: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([*PIN_SERVER, sys.executable, __file__, "--serve", variant, "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health/live", timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"the {variant} server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url: str, seconds: float, connections: int) -> int:
    """Requests completed in `seconds`."""
    out = subprocess.run([*PIN_LOAD, "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", url],
                         capture_output=True, text=True, timeout=seconds + 30).stdout
    match = re.search(r"(\d+) requests in", out)
    if not match:
        raise SystemExit(f"cannot read wrk output:\n{out}")
    return int(match.group(1))


async def _keepalive_client(host: str, port: int, path: str, stop: float) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    done = 0
    while time.monotonic() < stop:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"content-length: (\d+)", head, re.I).group(1))
        await reader.readexactly(length)
        done += 1
    writer.close()
    return done


def run_python_client(url: str, seconds: float, connections: int) -> int:
    host, port, path = re.match(r"http://([^:]+):(\d+)(/.*)", url).groups()
    stop = time.monotonic() + seconds

    async def main() -> int:
        counts = await asyncio.gather(*[_keepalive_client(host, int(port), path, stop) for _ in range(connections)])
        return sum(counts)
    return asyncio.run(main())


def loopback(args: argparse.Namespace) -> dict[str, list[tuple[float, float]]]:
    """Per variant and round: requests/second and server CPU microseconds per request."""
    load = run_wrk if shutil.which("wrk") else run_python_client
    results: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
    for round_ in range(args.rounds):
        for variant in VARIANTS if round_ % 2 == 0 else VARIANTS[::-1]:  # ABBA: no order bias
            process, url = start_server(variant)
            try:
                load(url + args.path, 1.0, args.connections)  # warm up
                cpu = cpu_seconds(process.pid)
                requests = load(url + args.path, args.seconds, args.connections)
                cpu = cpu_seconds(process.pid) - cpu
                results[variant].append((requests / args.seconds, cpu / requests * 1e6))
            finally:
                process.terminate()
                process.wait(timeout=10)
    print(f"load generator: {'wrk' if load is run_wrk else 'asyncio keep-alive client'}, "
          f"{args.connections} connections, {args.seconds:g} s per run, {args.rounds} rounds, GET {args.path}")
    return results


def in_process(args: argparse.Namespace) -> dict[str, float]:
    """Microseconds per request when the ASGI app is called directly (best of 5 interleaved batches)."""
    from stackgen.service.inprocess import call_app

    async def measure() -> dict[str, float]:
        apps = {v: build_app(v) for v in VARIANTS}
        best = {v: float("inf") for v in VARIANTS}
        for _ in range(5):
            for variant, app in apps.items():
                start = time.perf_counter()
                for _ in range(args.calls):
                    await call_app(app, "GET", args.path)
                best[variant] = min(best[variant], (time.perf_counter() - start) / args.calls * 1e6)
        return best

    return asyncio.run(measure())


def report_loopback(results: dict[str, list[tuple[float, float]]]) -> None:
    rounds = list(zip(results["instrumented"], results["bare"]))  # runs close in time: the fairest pairs
    cost = statistics.median((b[0] - i[0]) / b[0] * 100 for i, b in rounds)
    cpu_us = statistics.median(i[1] - b[1] for i, b in rounds)
    cpu_pct = statistics.median((i[1] - b[1]) / b[1] * 100 for i, b in rounds)
    rps = {v: statistics.median(r[0] for r in results[v]) for v in VARIANTS}
    cpu = {v: statistics.median(r[1] for r in results[v]) for v in VARIANTS}
    print(f"loopback requests/s (median): instrumented {rps['instrumented']:,.0f}, bare {rps['bare']:,.0f}; "
          f"throughput cost (median of rounds) {cost:.1f}%")
    print(f"loopback server CPU per request (median): instrumented {cpu['instrumented']:.1f} us, "
          f"bare {cpu['bare']:.1f} us; middleware {cpu_us:.1f} us ({cpu_pct:.1f}%)")
    print("per round (instrumented, bare) requests/s: "
          + ", ".join(f"({i[0]:,.0f}, {b[0]:,.0f})" for i, b in rounds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--path", default="/health/live")
    parser.add_argument("--pin", action="store_true", help="pin the server to core 1 and the load to core 0")
    parser.add_argument("--serve", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    if args.pin:
        PIN_SERVER[:], PIN_LOAD[:] = ["taskset", "-c", "1"], ["taskset", "-c", "0"]
    results = loopback(args)
    report_loopback(results)
    us = in_process(args)
    middleware_us = us["instrumented"] - us["bare"]
    print(f"in-process us/request: instrumented {us['instrumented']:.1f}, bare {us['bare']:.1f}; "
          f"middleware {middleware_us:.1f} us per request ({args.calls} calls, best of 5)")
    # The steadiest estimate of the throughput cost: the middleware's own time over what a request costs the
    # bare server (wall-clock throughput moves by more than the effect when the machine is shared).
    bare_cpu = min(r[1] for r in results["bare"])
    print(f"estimated throughput cost: {middleware_us:.1f} us / {bare_cpu:.1f} us per request (bare server CPU, "
          f"best round) = {middleware_us / bare_cpu * 100:.1f}%")


if __name__ == "__main__":
    main()
