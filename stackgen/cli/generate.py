"""`stackgen generate [SPEC]`: render the stack into a folder, or `--check` that it is up to date."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import SpecArg, StrictOption, guarded, load_linted, target_option


def generate(
    spec: Optional[Path] = SpecArg,
    out: Path = typer.Option(Path("generated"), "--out", "-o", help="Output folder (replaced whole)."),
    target: str = target_option(),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 with a diff if files differ."),
    strict: bool = StrictOption,
) -> None:
    """Render the spec into prometheus/, alertmanager/, grafana/, docs/ and the compose file."""
    from stackgen.output.writer import check_artifacts, write_artifacts
    from stackgen.render.stack import render_stack
    from stackgen.targets import TARGETS

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
