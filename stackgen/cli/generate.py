"""`stackgen generate [SPEC]`: render the stack into a folder, or `--check` that it is up to date."""

import shlex
import sys
from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import EnvOption, SpecArg, StrictOption, guarded, load_linted, target_option
from stackgen.wording import with_environment


def generate(
    spec: Optional[Path] = SpecArg,
    out: Optional[Path] = typer.Option(None, "--out", "-o", show_default=False,
                                       help="Output folder, replaced whole (default: generated, or with --env NAME "
                                            "environments/NAME/generated)."),
    target: str = target_option(),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 with a diff if files differ."),
    strict: bool = StrictOption,
    env: Optional[str] = EnvOption,
) -> None:
    """Render the spec into prometheus/, alertmanager/, grafana/, docs/ and the compose file."""
    from stackgen import pipeline
    from stackgen.targets.registry import get_target

    chosen = guarded(lambda: get_target(target))
    loaded = load_linted(spec, strict, env)
    folder = out if out is not None else pipeline.default_out(env)
    artifacts = guarded(lambda: pipeline.build(loaded, chosen, folder))  # a target may refuse a spec (names)
    source = with_environment(loaded.spec.file, env)
    if check:
        diff = guarded(lambda: pipeline.check(artifacts, folder))
        if diff:
            sys.stdout.write(diff)
            again = _again(spec, target, out, env)
            typer.echo(f"{folder}: out of date with {source}; run `{again}` and commit the result", err=True)
            raise typer.Exit(1)
        typer.echo(f"{folder}: up to date with {source}")
        return
    written = guarded(lambda: pipeline.write(artifacts, folder))
    typer.echo(f"rendered {len(written)} files from {source} into {folder}/")


def _again(spec: Optional[Path], target: str, out: Optional[Path], env: Optional[str]) -> str:
    """The command that brings the checked folder up to date: the same spec, target, folder and environment."""
    words = ["stackgen", "generate"] + ([str(spec)] if spec is not None else []) + \
        (["--target", target] if target != "compose" else []) + (["--out", str(out)] if out is not None else []) + \
        (["--env", env] if env else [])
    return shlex.join(words)
