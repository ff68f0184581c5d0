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
    from stackgen import pipeline
    from stackgen.targets.registry import get_target

    chosen = guarded(lambda: get_target(target))
    loaded = load_linted(spec, strict)
    artifacts = guarded(lambda: pipeline.build(loaded, chosen, out))  # a target may refuse a spec (names)
    source = loaded.spec.file
    if check:
        diff = pipeline.check(artifacts, out)
        if diff:
            sys.stdout.write(diff)
            typer.echo(f"{out}: out of date with {source}; run `stackgen generate` and commit the result", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out}: up to date with {source}")
        return
    written = guarded(lambda: pipeline.write(artifacts, out))
    typer.echo(f"rendered {len(written)} files from {source} into {out}/")
