"""The Typer app: parses arguments, calls the library, prints errors and picks exit codes.

Exit codes: 0 ok, 1 output differs or cannot be written, 2 bad spec, 3 a tool is missing or refused.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Optional, TypeVar

import typer

from stackgen import commands
from stackgen.errors import StackgenError
from stackgen.render.stack import render_stack
from stackgen.render.target import TARGETS
from stackgen.spec.lint import load_linted as load_linted_spec
from stackgen.spec.schema import SCHEMA
from stackgen.serialize import dump_json
from stackgen.writer import check_artifacts, write_artifacts

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Monitoring as code: one spec renders a complete, tool-validated monitoring stack.")

T = TypeVar("T")
SpecArg = typer.Argument(None, help="Spec file (default: the embedded Patronus spec).", show_default=False)


def guarded(action: Callable[[], T]) -> T:
    """Run library code; turn its errors into a message on stderr and the error's exit code."""
    try:
        return action()
    except StackgenError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(exc.exit_code) from None


StrictOption = typer.Option(False, "--strict", help="Treat naming-lint warnings as errors (exit 2).")


def load_linted(spec: Optional[Path], strict: bool):
    """The checked spec; naming-lint findings go to stderr as warnings, or fail the run under --strict."""
    model, warnings = guarded(lambda: load_linted_spec(spec, strict))
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    return model


def target_option(default: str = "compose"):
    return typer.Option(default, "--target", help="compose (containers) or local (processes on 127.0.0.1).")


@app.command()
def generate(
    spec: Optional[Path] = SpecArg,
    out: Path = typer.Option(Path("generated"), "--out", "-o", help="Output folder (replaced whole)."),
    target: str = target_option(),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 with a diff if files differ."),
    strict: bool = StrictOption,
) -> None:
    """Render the spec into prometheus/, alertmanager/, grafana/, docs/ and the compose file."""
    if target not in TARGETS:
        typer.echo(f"unknown target '{target}': choose one of {', '.join(TARGETS)}", err=True)
        raise typer.Exit(2)
    model = load_linted(spec, strict)
    artifacts = render_stack(model, TARGETS[target], out.name)
    if check:
        diff = check_artifacts(artifacts, out, model.file)
        if diff:
            sys.stdout.write(diff)
            typer.echo(f"{out}: out of date with {model.file}; run `stackgen generate` and commit the result", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out}: up to date with {model.file}")
        return
    written = guarded(lambda: write_artifacts(artifacts, out, model.file))
    typer.echo(f"rendered {len(written)} files from {model.file} into {out}/")


@app.command()
def validate(
    specs: Optional[list[Path]] = typer.Argument(None, help="Spec files (default: the embedded Patronus spec).",
                                                  show_default=False, metavar="SPEC"),
    strict: bool = StrictOption,
) -> None:
    """Check specs without writing anything: schema, PromQL, references, secrets, names."""
    exit_code = 0
    for spec in specs or [None]:  # several at once, as pre-commit passes them; every one is reported
        try:
            model = load_linted(spec, strict)
        except typer.Exit as failed:
            exit_code = max(exit_code, failed.exit_code)
            continue
        typer.echo(f"{spec or model.file}: ok ({len(model.metrics)} metrics, {len(model.alerts)} alerts, "
                   f"{len(model.recording_rules)} recording rules, {len(model.dashboards)} dashboards)")
    if exit_code:
        raise typer.Exit(exit_code)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the spec format, for editor completion and checks."""
    sys.stdout.write(dump_json(SCHEMA).decode())


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(app)


_register_commands()

if __name__ == "__main__":
    app()
