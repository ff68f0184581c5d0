"""`stackgen validate [SPEC...]`: check specs without writing anything."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import StrictOption, load_linted


def validate(
    specs: Optional[list[Path]] = typer.Argument(None, help="Spec files (default: the embedded Patronus spec).",
                                                  show_default=False, metavar="SPEC"),
    strict: bool = StrictOption,
) -> None:
    """Check specs without writing anything: schema, PromQL, references, secrets, names."""
    exit_code = 0
    given: list[Optional[Path]] = [*specs] if specs else [None]
    for spec in given:  # several at once, as pre-commit passes them; every one is reported
        try:
            model = load_linted(spec, strict).spec
        except typer.Exit as failed:
            exit_code = max(exit_code, failed.exit_code)
            continue
        typer.echo(f"{spec or model.file}: ok ({len(model.metrics)} metrics, {len(model.alerts)} alerts, "
                   f"{len(model.recording_rules)} recording rules, {len(model.dashboards)} dashboards)")
    if exit_code:
        raise typer.Exit(exit_code)
