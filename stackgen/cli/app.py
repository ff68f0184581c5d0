"""The Typer app: every command, registered explicitly in the order `--help` lists them.

Exit codes: 0 ok, 1 output differs or cannot be written (or a test failed), 2 bad spec,
3 a tool is missing or refused, 4 the local stack failed.
"""

from __future__ import annotations

import typer

from stackgen.cli import codegen, generate, init, schema, serve, test, up, validate, verify

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Monitoring as code: one spec renders a complete, tool-validated monitoring stack.")

app.command()(generate.generate)
app.command()(validate.validate)
app.command("test")(test.test_command)
app.command("up")(up.up_command)
app.command("verify")(verify.verify_command)
app.command()(serve.serve)
app.command()(init.init)
app.command()(schema.schema)
app.command()(codegen.codegen)


def main() -> None:
    app()
