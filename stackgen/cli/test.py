"""`stackgen test [SPEC]`: run the spec's alert cases (promtool) and routing cases (amtool)."""

from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import EnvOption, SpecArg, StrictOption, guarded, load_linted
from stackgen.wording import with_environment


def test_command(spec: Optional[Path] = SpecArg, strict: bool = StrictOption,
                 env: Optional[str] = EnvOption) -> None:
    """Run the alert unit tests and routing tests the spec declares; exit 1 if one fails."""
    from stackgen.verify.spec_tests import run_spec_tests

    model = load_linted(spec, strict, env).spec
    results = guarded(lambda: run_spec_tests(model))
    source = with_environment(model.file, env)  # an overlay's own cases pass or fail here
    if not results:
        typer.echo(f"{source}: no alert or routing tests declared")
        return
    for result in results:
        typer.echo(f"{'ok  ' if result.ok else 'FAIL'}  {result.kind:5}  {result.name}")
        if result.detail:
            typer.echo("        " + result.detail.replace("\n", "\n        "))
    failed = sum(not r.ok for r in results)
    typer.echo(f"{source}: {len(results) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)
