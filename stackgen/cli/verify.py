"""`stackgen verify [SPEC]`: run the stack locally and prove every alert and dashboard panel live."""

import os
from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import EnvOption, SpecArg, StrictOption, guarded, load_linted, sigterm_as_interrupt


def verify_command(
    spec: Optional[Path] = SpecArg,
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the results here: FILE.json as JSON, "
                                                                  "FILE.xml as JUnit XML."),
    fast: bool = typer.Option(True, "--fast/--no-fast", help="Scrape and evaluate every second; divide for, range "
                                                             "windows and Alertmanager timers by --fast-factor."),
    fast_factor: float = typer.Option(60, min=1, help="With --fast: what for, windows and timers are divided by."),
    slack: float = typer.Option(60, min=5, max=900, help="Seconds each wait may take beyond what the clock says."),
    prometheus: Optional[str] = typer.Option(None, help="Prometheus binary (default: prometheus on PATH)."),
    alertmanager: Optional[str] = typer.Option(
        None, help="Alertmanager binary (default: prometheus-alertmanager or alertmanager on PATH)."),
    node_exporter: Optional[str] = typer.Option(None, help="Node exporter binary (default: on PATH)."),
    strict: bool = StrictOption,
    env: Optional[str] = EnvOption,
) -> None:
    """Prove the spec live: each alert fires, reaches exactly its receivers, and resolves; each panel has data.

    Exits 0 only when every alert is proven or marked `verify: {skip: reason}` in the spec, and every panel
    has data (or is marked `empty_when_healthy`).
    """
    from stackgen.local.exporters import stand_in_notes, unrunnable, unrunnable_hint
    from stackgen.local.runner import find_binaries
    from stackgen.verify.live import VerifyOptions, verify
    from stackgen.verify.report import render_report, table
    from stackgen.verify.tools import find_tool

    loaded = load_linted(spec, strict, env)
    if report is not None:
        guarded(lambda: render_report_check(report))
    binaries = guarded(lambda: find_binaries(prometheus, alertmanager, node_exporter))
    guarded(lambda: find_tool("amtool"))
    for note in stand_in_notes(loaded.spec):
        typer.echo(note, err=True)
    dropped = unrunnable(loaded.spec, binaries.node_exporter)
    if dropped:
        typer.echo(unrunnable_hint(dropped), err=True)
    options = VerifyOptions(binaries, factor=fast_factor if fast else 1, slack=slack)
    try:
        with sigterm_as_interrupt():
            result = guarded(lambda: verify(loaded, options, lambda line: typer.echo(line)))
    except KeyboardInterrupt:
        typer.echo("verify interrupted; the stack it started is stopped", err=True)
        raise typer.Exit(1) from None
    typer.echo("")
    typer.echo(table(result))
    if report is not None:
        text = guarded(lambda: render_report(result, report))
        guarded(lambda: report.write_text(text))
        typer.echo(f"report written to {report}")
    if not result.ok:
        raise typer.Exit(1)


def render_report_check(report: Path) -> None:
    """Refuse an unknown report format, or a report that cannot be written, before the stack runs, not after."""
    from stackgen.errors import OutputError
    from stackgen.verify.report import REPORT_FORMATS, Report, render_report

    if report.suffix.lower() not in REPORT_FORMATS:
        render_report(Report("", (), ()), report)
    if report.is_dir() or not report.parent.is_dir() or not os.access(report.parent, os.W_OK):
        raise OutputError(f"--report {report}: cannot be written (name a file in a folder that exists and "
                          "you may write to)")
