"""What every command shares: turning library errors into messages and exit codes, and common options.

Library code raises `StackgenError`; this is the only place that prints one and picks the exit code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import typer

from stackgen.errors import StackgenError

if TYPE_CHECKING:  # the pipeline is imported when a command runs, so `--help` stays quick
    from stackgen.pipeline import Loaded

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


def target_option(default: str = "compose") -> Any:
    from stackgen.targets.registry import TARGETS

    choices = "; ".join(f"{t.name}: {t.summary}" for t in TARGETS.values())
    return typer.Option(default, "--target", help=f"Where the stack runs ({choices}).")


def load_linted(spec: Optional[Path], strict: bool) -> Loaded:
    """The loaded spec (`pipeline.Loaded`) through every check; lint findings go to stderr as warnings,
    or fail the run under --strict."""
    from stackgen import pipeline

    loaded = guarded(lambda: pipeline.load([spec], strict))
    for warning in loaded.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return loaded
