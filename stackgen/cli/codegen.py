"""`stackgen codegen python [SPEC] --service NAME`: one service's metrics as a typed module for its own code."""

import sys
from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import EXIT_USAGE, SpecArg, guarded, spec_path

LANGUAGES = ("python",)


def codegen(
    language: str = typer.Argument(..., help=f"Language of the module: {', '.join(LANGUAGES)}.", show_default=False),
    spec: Optional[Path] = SpecArg,
    service: str = typer.Option(..., "--service", "-s", help="The service whose metrics the module holds."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Module file to write (default: standard output)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 with a diff if --out differs."),
) -> None:
    """Write a typed module of one service's metrics: one attribute each, label names as keyword arguments."""
    from stackgen.instrument.codegen import render_python_module
    from stackgen.instrument.specfile import load_service_spec
    from stackgen.output.writer import file_diff, read_existing

    if language not in LANGUAGES:
        typer.echo(f"unknown language '{language}': choose one of {', '.join(LANGUAGES)}", err=True)
        raise typer.Exit(EXIT_USAGE)
    if check and out is None:
        typer.echo("--check compares with a file: give it with --out", err=True)
        raise typer.Exit(EXIT_USAGE)
    spec = spec_path(spec)
    loaded = guarded(lambda: load_service_spec(spec, service))
    command = " ".join(["stackgen codegen python", *([str(spec)] if spec else []), "--service", service,
                        *(["--out", out.as_posix()] if out else [])])
    text = guarded(lambda: render_python_module(loaded, command)).encode("utf-8")
    if out is None:
        sys.stdout.write(text.decode("utf-8"))
        return
    guarded(lambda: _module_file(out))
    if check:
        on_disk = read_existing(out)
        diff = file_diff(out.as_posix(), on_disk, text) if on_disk != text else ""
        if diff:
            sys.stdout.write(diff)
            typer.echo(f"{out}: out of date with {loaded.file}; run `{command}` and commit the result", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out}: up to date with {loaded.file}")
        return
    guarded(lambda: _write(out, text))
    typer.echo(f"wrote the metrics of service '{service}' from {loaded.file} to {out}")


def _module_file(out: Path) -> None:
    """`--out` names a file: `.` or a folder would be written over, or compared with, as if it were one."""
    from stackgen.errors import OutputError

    if out.is_dir() or not out.name:
        raise OutputError(f"{out}: is a folder; name the module file, e.g. {out / 'metrics.py'}")


def _write(out: Path, text: bytes) -> None:
    """Replace `out` atomically: an editor or type checker never reads half a module."""
    from stackgen.errors import OutputError
    from stackgen.output.writer import write_file

    try:
        write_file(out, text)
    except OSError as exc:
        raise OutputError(f"{out}: could not write: {exc.strerror or exc}") from None
