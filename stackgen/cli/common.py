"""What every command shares: turning library errors into messages and exit codes, and common options.

Library code raises `StackgenError`; this is the only place that prints one and picks the exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Optional, TypeVar

import typer

from stackgen.errors import StackgenError

T = TypeVar("T")

SpecArg = typer.Argument(None, help="Spec file (default: the embedded Patronus spec).", show_default=False)
StrictOption = typer.Option(False, "--strict", help="Treat naming-lint warnings as errors (exit 2).")


def guarded(action: Callable[[], T]) -> T:
    """Run library code; turn its errors into a message on stderr and the error's exit code."""
    try:
        return action()
    except StackgenError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(exc.exit_code) from None


def target_option(default: str = "compose"):
    return typer.Option(default, "--target", help="compose (containers) or local (processes on 127.0.0.1).")


def load_linted(spec: Optional[Path], strict: bool):
    """The checked spec; naming-lint findings go to stderr as warnings, or fail the run under --strict."""
    from stackgen.spec.lint import load_linted as load_linted_spec

    model, warnings = guarded(lambda: load_linted_spec(spec, strict))
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)
    return model
