"""What every command shares: turning library errors into messages and exit codes, and common options.

Library code raises `StackgenError`; this is the only place that prints one and picks the exit code.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Optional, TypeVar

import typer

from stackgen.errors import StackgenError

if TYPE_CHECKING:  # the pipeline is imported when a command runs, so `--help` stays quick
    from stackgen.pipeline import Loaded

T = TypeVar("T")

# Exit codes, documented in stackgen/cli/app.py and the README.
EXIT_USAGE = 64  # a bad flag or argument (sysexits' EX_USAGE), distinct from an invalid spec (2)

SPEC_DEFAULT_HELP = ("default: ./stackgen.yaml, else `spec` under [tool.stackgen] in ./pyproject.toml, "
                     "else the built-in Patronus example")
SpecArg = typer.Argument(None, help=f"Spec file ({SPEC_DEFAULT_HELP}).", show_default=False, metavar="SPEC")
StrictOption = typer.Option(False, "--strict", help="Treat naming-lint warnings as errors (exit 2).")
EnvOption = typer.Option(None, "--env", metavar="NAME", show_default=False,
                         help="Merge the environment's overlay onto the spec first: SPEC's folder holds it as "
                              "<spec name>.NAME.yaml (e.g. taskq.production.yaml).")


def guarded(action: Callable[[], T]) -> T:
    """Run library code; turn its errors into a message on stderr and the error's exit code."""
    try:
        return action()
    except StackgenError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:  # a path the system refuses where no check foresaw it: a name too long, a file for a folder
        where = f"{exc.filename}: " if exc.filename is not None else ""
        typer.echo(f"{where}cannot be used: {exc.strerror or exc} (check the path)", err=True)
        raise typer.Exit(1) from None


def target_option(default: str = "compose") -> Any:
    from stackgen.targets.names import SUMMARIES  # not the registry: the targets import the model and renderers

    choices = "; ".join(f"{name}: {summary}" for name, summary in SUMMARIES.items())
    names = list(SUMMARIES)

    def known(value: str) -> str:
        if value not in names:  # a usage error (exit 64), like any bad choice
            raise typer.BadParameter(f"unknown target '{value}': choose one of {', '.join(names)}")
        return value

    return typer.Option(default, "--target", callback=known, metavar=f"[{'|'.join(names)}]",
                        autocompletion=lambda: names, help=f"Where the stack runs ({choices}).")


def spec_path(spec: Optional[Path], example_note: str = "") -> Optional[Path]:
    """The spec the user means (see `stackgen.locate`): None is the embedded example, announced on stderr (in the
    command's own words when it gives `example_note`)."""
    from stackgen.locate import locate_spec

    located = guarded(lambda: locate_spec(spec, Path.cwd()))
    if located.note:
        typer.echo(example_note or located.note, err=True)
    return located.path


def load_linted(spec: Optional[Path], strict: bool, env: Optional[str] = None) -> Loaded:
    """The spec the user means (`spec_path`), loaded through every check (`load_located`)."""
    return load_located(spec_path(spec), strict, env)


def load_located(path: Optional[Path], strict: bool, env: Optional[str] = None) -> Loaded:
    """The spec at `path` (None: the embedded example), with the overlay of environment `env` if given, through
    every check; lint findings go to stderr as warnings, or fail the run under --strict."""
    from stackgen import pipeline

    loaded = guarded(lambda: pipeline.load([path], strict, env))
    for warning in loaded.warnings:
        typer.echo(f"warning: {warning}", err=True)
    return loaded


SERVE_EXTRA_MODULES = ("starlette", "uvicorn", "websockets", "bcrypt")  # bcrypt: the local stack's web config


def require_serve_extra(command: str) -> None:
    """Exit 3 with the install line when the web-server extra is missing, instead of an ImportError traceback."""
    import importlib

    missing = []
    for name in SERVE_EXTRA_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        typer.echo(f"stackgen {command} needs the web server ({', '.join(missing)} not installed): "
                   "pip install 'stackgen[serve]'", err=True)
        raise typer.Exit(3)


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM (`timeout`, a cancelled CI job) raised as KeyboardInterrupt, as Ctrl-C is, so that `finally`
    blocks stop the processes a command started instead of leaving them running. A second SIGTERM is
    ignored, so it cannot cut that cleanup short."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
