"""Running a rendered stack as native processes on 127.0.0.1: plan, preflight, start, wait, stop.

Each component runs in its own process group, so stopping it (SIGTERM, then SIGKILL after a timeout)
also stops anything it started. Every check that can fail (binaries, ports) runs before anything starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from stackgen.errors import StackgenError
from stackgen.local.exporters import local_command, local_environment, ready_path
from stackgen.local.webauth import WebCredentials, new_credentials, write_web_files
from stackgen.model import Spec
from stackgen.pipeline import render_stack, write_scratch
from stackgen.render.remote_write import REPLICA_ENV
from stackgen.service.metrics import SpecMetrics, served_metrics
from stackgen.targets.layout import ALERTMANAGER_CONFIG, PROMETHEUS_CONFIG, folder_of
from stackgen.targets.local import HOST, LOCAL
from stackgen.verify.http import authorize, request
from stackgen.verify.tools import find_tool

ALERTMANAGER_NAMES = ("prometheus-alertmanager", "alertmanager")
NODE_EXPORTER_NAMES = ("prometheus-node-exporter", "node_exporter")
STOP_TIMEOUT = 5.0


class StackError(StackgenError):
    """The local stack cannot start: a port is taken, a component exits or never gets ready (its log says why)."""

    exit_code = 4


@dataclass
class Component:
    name: str
    command: list[str]
    port: int
    ready_url: str
    log: Path
    env: dict[str, str] = field(default_factory=dict)  # set on top of the runner's own environment
    process: subprocess.Popen | None = field(default=None, repr=False)
    auth: WebCredentials | None = field(default=None, repr=False)  # what its HTTP API asks for
    password_file: Path | None = None  # where that password is, for people and other processes

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


@dataclass(frozen=True)
class Binaries:
    prometheus: str
    alertmanager: str
    node_exporter: str | None  # None: node exporters are not run (and must be dropped from the spec)


def find_binaries(prometheus: str | None = None, alertmanager: str | None = None,
                  node_exporter: str | None = None) -> Binaries:
    """The binaries to run, each named explicitly or found on PATH; ToolError names what is missing."""
    prom = find_tool("prometheus", prometheus)
    if alertmanager:
        am = find_tool("alertmanager", alertmanager)
    else:
        am = next((p for p in map(shutil.which, ALERTMANAGER_NAMES) if p), None) or find_tool("alertmanager")
    exporter = find_tool("node_exporter", node_exporter) if node_exporter else \
        next((p for p in map(shutil.which, NODE_EXPORTER_NAMES) if p), None)
    return Binaries(prom, am, exporter)


def plan_stack(spec: Spec, spec_path: str | None, binaries: Binaries, workdir: Path,
               faults: bool = False, tick: float | None = None, env: str | None = None) -> list[Component]:
    """Render `spec` for the local target into `workdir` and list the processes that run it; the services serve
    `spec_path` with the overlay of environment `env`, as `spec` was loaded."""
    for service in spec.services:  # a metric the service cannot serve is the spec's problem, not a start failure
        SpecMetrics(served_metrics(spec, service.name))
    config = write_scratch(render_stack(spec, LOCAL), workdir)
    # A fresh password per run; the web config (its bcrypt hash) and the password Prometheus sends to itself and
    # to Alertmanager go beside prometheus.yml, where the local target's config reads it.
    auth = new_credentials() if spec.stack.web_auth else None
    web_flags: list[str] = []
    password_file = None
    if auth:
        web_config, password_file = write_web_files(config / folder_of(PROMETHEUS_CONFIG), auth)
        web_flags = [f"--web.config.file={web_config}"]
    logs = workdir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    ports = spec.stack.ports
    out: list[Component] = []
    for service in spec.services:
        command = [sys.executable, "-m", "stackgen", "serve", *([spec_path] if spec_path else []),
                   *(["--env", env] if env else []),
                   "--service", service.name, "--host", HOST, "--port", str(service.port),
                   *(["--faults"] if faults else []),
                   *(["--tick", f"{tick:g}"] if tick else [])]
        ready = service.health.get("ready") or service.metrics_path
        out.append(Component(service.name, command, service.port, f"http://{HOST}:{service.port}{ready}",
                             logs / f"{service.name}.log"))
    for exporter in spec.exporters:
        run = local_command(exporter, binaries.node_exporter)
        if run:
            out.append(Component(exporter.name, run, exporter.port,
                                 f"http://{HOST}:{exporter.port}{ready_path(exporter)}", logs / f"{exporter.name}.log",
                                 env=local_environment(exporter)))
    out.append(Component("webhook-sink", [sys.executable, "-m", "stackgen.local.sink", "--host", HOST,
                                          "--port", str(ports["webhook"])],
                         ports["webhook"], f"http://{HOST}:{ports['webhook']}/health", logs / "webhook-sink.log"))
    am = ports["alertmanager"]
    out.append(Component("alertmanager", [
        binaries.alertmanager, f"--web.listen-address={HOST}:{am}", "--cluster.listen-address=",
        f"--storage.path={workdir / 'alertmanager-data'}", f"--config.file={config / ALERTMANAGER_CONFIG}", *web_flags],
        am, f"http://{HOST}:{am}/-/ready", logs / "alertmanager.log", auth=auth, password_file=password_file))
    prom = ports["prometheus"]
    out.append(Component("prometheus", [
        binaries.prometheus, f"--web.listen-address={HOST}:{prom}", f"--storage.tsdb.path={workdir / 'prometheus-data'}",
        f"--config.file={config / PROMETHEUS_CONFIG}", *web_flags, *_replica_flags(spec)],
        prom, f"http://{HOST}:{prom}/-/ready", logs / "prometheus.log", auth=auth, password_file=password_file,
        env={REPLICA_ENV: f"{spec.name}-0"} if spec.settings.replicas > 1 else {}))
    return out


def _replica_flags(spec: Spec) -> list[str]:
    """Prometheus 2.x expands the replica label's ${PROMETHEUS_REPLICA} only when asked (3.x always does, and
    ignores the flag)."""
    return ["--enable-feature=expand-external-labels"] if spec.settings.replicas > 1 else []


def check_ports(components: list[Component]) -> None:
    """Every port is free and used once; raised before anything starts."""
    seen: dict[int, str] = {}
    for c in components:
        if c.port in seen:
            raise StackError(f"port {c.port} is configured for both {seen[c.port]} and {c.name}; "
                             "give each component its own port in the spec")
        seen[c.port] = c.name
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, c.port))
            except OSError:
                raise StackError(f"port {c.port} on {HOST} ({c.name}) is already in use; stop what holds it "
                                 "or change the port in the spec") from None


def _is_ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(request(url), timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class LocalStack:
    """Start components in order, each ready before the next; stop all of them, always."""

    def __init__(self, components: list[Component]) -> None:
        self.components = components
        # A proof in a worker thread starts a stopped component again when its fault ends, and may do so while
        # an interrupt stops the stack: once stopped, nothing starts again, and what started is stopped too.
        self._lock = threading.Lock()
        self._stopped = False

    def start(self, on_ready: Callable[[Component], None] = lambda c: None, timeout: float = 60) -> None:
        check_ports(self.components)
        for c in self.components:
            self.launch(c, timeout)
            on_ready(c)

    def launch(self, c: Component, timeout: float = 60) -> None:
        """Start one component and wait until it is ready (also to start a stopped one again)."""
        if c.auth:  # readiness probes, and `stackgen verify` in this process, call it with its credentials
            authorize(c.url, *c.auth.pair)
        with self._lock, open(c.log, "ab") as log:
            if self._stopped:
                raise StackError(f"{c.name} was not started again: the stack is stopped")
            os.fchmod(log.fileno(), 0o600)  # the service's log holds its demo password
            process = subprocess.Popen(c.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True, env={**os.environ, **c.env} if c.env else None)
            c.process = process
        self._wait_ready(c, process, timeout)

    def halt(self, c: Component) -> None:
        """Stop one component (its whole process group), as `stop` does; `launch` starts it again."""
        if c.process:
            _signal_group(c.process, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                c.process.wait(timeout=STOP_TIMEOUT)
            _signal_group(c.process, signal.SIGKILL)
            c.process.wait()

    def _wait_ready(self, c: Component, process: subprocess.Popen, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StackError(f"{c.name} exited with code {process.returncode} before it was ready:\n"
                                 f"{tail(c.log)}")
            if _is_ready(c.ready_url):
                return
            time.sleep(0.2)
        raise StackError(f"{c.name} was not ready at {c.ready_url} within {timeout:.0f}s:\n{tail(c.log)}")

    def exited(self) -> Component | None:
        """The first component that has stopped on its own, if any."""
        return next((c for c in self.components if c.process and c.process.poll() is not None), None)

    def stop(self) -> None:
        """SIGTERM every process group, newest first; SIGKILL what is still there after STOP_TIMEOUT. Final: a
        `launch` after it (or racing it) starts nothing."""
        with self._lock:
            self._stopped = True
            running = [c.process for c in reversed(self.components) if c.process]
        for process in running:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(process, signal.SIGKILL)  # also reaps children the leader left behind
            process.wait()

    def pids(self) -> list[int]:
        return [c.process.pid for c in self.components if c.process]


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
