"""The stackgen CLI run in-process, with the same streams on every click that typer's lower bound allows.

click 8.2 gave CliRunner's result an `output` that holds stdout and stderr in the order they were written;
before 8.2 a runner either mixed the two for good (no `stderr`) or kept stderr out of `output`. Tests read
`stdout`, `stderr` and `output` (both, as a terminal shows them) the same way on either.

typer builds the click command from the app on every `invoke` (about 20 ms for stackgen's twelve commands, more
than many a command takes to run); the runner builds it once, as one process of the `stackgen` command does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

import typer
import typer.testing
from typer.testing import CliRunner


@dataclass(frozen=True)
class CliResult:
    """What one command did: its exit code and what it printed."""

    exit_code: int
    stdout: str
    stderr: str
    output: str  # stdout and stderr together; interleaved as written on click 8.2+, stdout first before it


def cli_runner(app: typer.Typer) -> Callable[..., CliResult]:
    """A function that runs `app ARGS...` in-process; an exception the CLI does not handle is raised."""
    try:  # click before 8.2 mixes stderr into stdout unless told not to
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
        both_in_order = False
    except TypeError:
        runner = CliRunner()
        both_in_order = True
    command = typer.main.get_command(app)

    def invoke(*args: object, **kwargs: object) -> CliResult:
        # typer.testing names the builder `_get_command` from typer 0.12.5 to now; it hands back the built command
        with mock.patch.object(typer.testing, "_get_command", lambda _: command):
            result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)  # type: ignore[arg-type]
        output = result.output if both_in_order else result.stdout + result.stderr
        return CliResult(result.exit_code, result.stdout, result.stderr, output)

    return invoke
