"""`stackgen up [SPEC]`: run the whole stack natively on 127.0.0.1 until Ctrl-C or SIGTERM."""

import signal
import tempfile
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Optional

import typer

from stackgen.cli.common import EnvOption, SpecArg, StrictOption, guarded, load_linted, require_serve_extra

if TYPE_CHECKING:  # the runner is imported when the command runs, so `--help` stays quick
    from stackgen.local.runner import Component, LocalStack


def up_command(
    spec: Optional[Path] = SpecArg,
    prometheus: Optional[str] = typer.Option(None, help="Prometheus binary (default: prometheus on PATH)."),
    alertmanager: Optional[str] = typer.Option(
        None, help="Alertmanager binary (default: prometheus-alertmanager or alertmanager on PATH)."),
    node_exporter: Optional[str] = typer.Option(
        None, help="Node exporter binary (default: prometheus-node-exporter on PATH; without one, "
                   "node exporter jobs are dropped)."),
    fast: bool = typer.Option(False, "--fast/--no-fast", help="Scrape and evaluate every second; divide for, range "
                                                    "windows and Alertmanager timers by --fast-factor."),
    fast_factor: float = typer.Option(30, min=1, help="With --fast: what for, windows and timers are divided by."),
    faults: bool = typer.Option(False, "--faults", help="Let POST /admin/faults inject faults into the service."),
    tick: Optional[float] = typer.Option(None, help="Seconds between the service's background rounds."),
    data_dir: Optional[Path] = typer.Option(None, help="Keep configs, data and logs here (default: a "
                                                      "temporary folder, removed on exit)."),
    strict: bool = StrictOption,
    env: Optional[str] = EnvOption,
) -> None:
    """Run the service, Prometheus, Alertmanager and a webhook sink locally; Ctrl-C stops them all."""
    from stackgen import pipeline, process
    from stackgen.local.exporters import dropping_exporters, stand_in_notes, unrunnable, unrunnable_hint
    from stackgen.local.runner import LocalStack, find_binaries, plan_stack

    require_serve_extra("up")  # the stack's service is `stackgen serve`
    loaded = load_linted(spec, strict, env)
    binaries = guarded(lambda: find_binaries(prometheus, alertmanager, node_exporter))
    processors: list[process.Processor] = []
    for note in stand_in_notes(loaded.spec):
        typer.echo(note, err=True)
    dropped = unrunnable(loaded.spec, binaries.node_exporter)
    if dropped:
        typer.echo(unrunnable_hint(dropped), err=True)
        processors.append(dropping_exporters({e.name for e in dropped}))
    if fast:
        processors.append(process.faster_clock(fast_factor))
    model = pipeline.prepare(loaded, tuple(processors))
    with tempfile.TemporaryDirectory(prefix="stackgen-up-") as tmp:
        workdir = data_dir or Path(tmp)
        stack = LocalStack(guarded(lambda: plan_stack(model, str(loaded.path) if loaded.path else None, binaries, workdir,
                                                      faults, tick, env)))
        _run(stack, workdir)


def stack_pid(component: "Component") -> str:
    return str(component.process.pid) if component.process else "-"


def _run(stack: "LocalStack", workdir: Path) -> None:
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_signal)
    try:
        guarded(lambda: stack.start(lambda c: typer.echo(f"ready  {c.name:14} {c.url}  (pid {stack_pid(c)})")))
        secured = next((c for c in stack.components if c.auth and c.password_file), None)
        if secured and secured.auth:  # before "stack up": whoever waits for that line can read this one
            typer.echo(f"Prometheus and Alertmanager ask for user {secured.auth.username} and the password in "
                       f"{secured.password_file}")
        typer.echo(f"stack up; configs, data and logs in {workdir}; Ctrl-C stops it")
        while not stopping:
            gone = stack.exited()
            if gone:
                typer.echo(f"{gone.name} exited with code {gone.process.returncode if gone.process else '-'}; stopping the stack "
                           f"(log: {gone.log})", err=True)
                raise typer.Exit(4)
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stack.stop()
        typer.echo("stack stopped")
