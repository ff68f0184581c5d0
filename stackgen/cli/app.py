"""The Typer app: every command, registered explicitly in the order `--help` lists them.

Exit codes: 0 ok, 1 output differs or cannot be written (or a test failed), 2 bad spec,
3 a tool is missing or refused, 4 the local stack failed.
"""

from __future__ import annotations

import gc
import os
import sys

import typer

from stackgen.cli import codegen, generate, init, schema, serve, test, up, validate

# rich_markup_mode=None: click's plain help and error text; rendering them with rich costs --help more
# than everything else it does.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Monitoring as code: one spec renders a complete, tool-validated monitoring stack.")

app.command()(generate.generate)
app.command()(validate.validate)
app.command("test")(test.test_command)
app.command("up")(up.up_command)
app.command()(serve.serve)
app.command()(init.init)
app.command()(schema.schema)
app.command()(codegen.codegen)


LONG_RUNNING = frozenset({"serve", "up"})  # run until stopped: they keep the collector and a normal exit


def main() -> None:
    """The `stackgen` script. A one-shot command runs without the cyclic garbage collector (its data is a
    tree that lives until the end; collections only rescan it, superlinearly on large specs) and leaves
    without the interpreter's teardown once its output is flushed. Tests call `app`, never this."""
    if sys.argv[1:2] and sys.argv[1] in LONG_RUNNING:
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
