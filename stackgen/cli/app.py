"""The Typer app: every command, registered explicitly in the order `--help` lists them.

Exit codes (also in the README):
  0   ok
  1   the output differs (--check) or cannot be written, or a spec's test failed
  2   the spec is invalid (every problem is printed as file:line: path: message (hint))
  3   a tool is missing or refused the output (promtool, amtool, docker-compose), or an extra is not installed
  4   the local stack (`stackgen up`) failed
  64  usage error: an unknown flag, command or choice, a bad option value (sysexits' EX_USAGE)

A SPEC argument left out means ./stackgen.yaml, else `spec` under [tool.stackgen] in ./pyproject.toml, else the
built-in Patronus example (see stackgen.locate).
"""

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Optional, cast

import typer
from typer.core import TyperCommand, TyperGroup

from stackgen import __version__
from stackgen.cli import codegen, generate, import_, init, schema, serve, test, up, validate, verify
from stackgen.cli.common import EXIT_USAGE
from stackgen.cli.script import one_shot

# click's UsageError, from whichever copy of click typer uses (typer 0.2x carries its own).
CLICK_USAGE_ERROR = cast("type[Exception]", typer.BadParameter.__bases__[0])


@contextmanager
def _usage_exit_code() -> Iterator[None]:
    """Give click's usage errors their own exit code: click uses 2, which stackgen keeps for an invalid spec."""
    try:
        yield
    except CLICK_USAGE_ERROR as exc:
        exc.exit_code = EXIT_USAGE  # type: ignore[attr-defined]
        raise


def _plain_metavar(param: Any) -> None:
    """Name values as argparse does (--out OUT, SPEC) and show flags bare, instead of <path>, <str>, <bool>."""
    if getattr(param, "is_flag", False):
        param.metavar = ""
    elif param.metavar is None and param.name:
        param.metavar = param.name.upper()
    if getattr(param, "param_type_name", "") == "argument" and hasattr(param, "display_type_rich"):
        param.display_type_rich = lambda ctx: None  # typer 0.2x prints SPEC <path>; the help text says what it is


class StackgenCommand(TyperCommand):
    """A command whose help shows click's plain metavars."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _plain_metavar(param)


class StackgenGroup(TyperGroup):
    """The top-level group: plain metavars, and exit code 64 for usage errors of any command."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            _plain_metavar(param)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _usage_exit_code():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _usage_exit_code():
            return super().invoke(ctx)


# Plain help, as Prometheus' own tools print it: no boxes, and no markup to eat "[tool.stackgen]".
app = typer.Typer(cls=StackgenGroup, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Monitoring as code: one spec renders a complete, tool-validated monitoring stack.")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"stackgen {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Optional[bool] = typer.Option(None, "--version", callback=_print_version, is_eager=True,
                                           help="Print the version and exit."),
) -> None:
    """Monitoring as code: one spec renders a complete, tool-validated monitoring stack."""


app.command(cls=StackgenCommand)(generate.generate)
app.command(cls=StackgenCommand)(validate.validate)
app.command("test", cls=StackgenCommand)(test.test_command)
app.command("up", cls=StackgenCommand)(up.up_command)
app.command("verify", cls=StackgenCommand)(verify.verify_command)
app.command(cls=StackgenCommand)(serve.serve)
app.command(cls=StackgenCommand)(init.init)
app.command(cls=StackgenCommand)(schema.schema)
app.command(cls=StackgenCommand)(codegen.codegen)

import_app = typer.Typer(cls=StackgenGroup, no_args_is_help=True, rich_markup_mode=None,
                         help="Adopt existing monitoring files as a spec.")
import_app.command("rules", cls=StackgenCommand)(import_.import_rules_command)
import_app.command("alertmanager", cls=StackgenCommand)(import_.import_alertmanager_command)
import_app.command("dashboard", cls=StackgenCommand)(import_.import_dashboard_command)
import_app.command("prometheus", cls=StackgenCommand)(import_.import_prometheus_command)
app.add_typer(import_app, name="import")


def main() -> None:
    """The CLI as the `stackgen` script runs it (`stackgen.cli.script`). A one-shot command runs without the
    cyclic garbage collector (its data is a tree that lives until the end; collections only rescan it,
    superlinearly on large specs) and leaves without the interpreter's teardown once its output is flushed.
    Tests call `app`, never this."""
    if not one_shot(sys.argv):
        app()
        return
    gc.disable()
    try:
        app()
        code = 0
    except SystemExit as exc:  # how click ends every run
        code = _exit_status(exc.code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # the reader left (`stackgen schema | head`): nothing more to say
        pass
    os._exit(code)  # files are closed by the commands' own `with` blocks; nothing is left to tear down


def _exit_status(code: object) -> int:
    """SystemExit's code as the interpreter turns it into an exit status (a message goes to stderr)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1
