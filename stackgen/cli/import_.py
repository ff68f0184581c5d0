"""`stackgen import rules FILE...`: turn existing Prometheus rule files into a spec that renders them back.

The spec goes to --out (a new file, or one --force replaces), into the spec --merge names, or to stdout;
the report (imported, changed, left out) goes to stderr when the spec takes stdout, else to stdout.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import guarded


def import_rules_command(
    files: list[Path] = typer.Argument(..., help="Prometheus rule files (or PrometheusRule resources).",
                                       show_default=False, metavar="FILE..."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", show_default=False,
                                       help="Write a new spec here (default: stdout)."),
    merge: Optional[Path] = typer.Option(None, "--merge", show_default=False,
                                         help="Add the rules to this spec and rewrite it (its comments are not kept)."),
    force: bool = typer.Option(False, "--force", help="Replace the --out file when it exists."),
) -> None:
    """Import rule files: every group, alert and recording rule, with the metrics they read declared."""
    from stackgen.importer.rules import import_rules
    from stackgen.importer.spec_file import read_base, spec_text, write_spec

    if out is not None and merge is not None:
        raise typer.BadParameter("give --out or --merge, not both")
    base = guarded(lambda: read_base(merge)) if merge is not None else None
    target = merge or out
    imported = guarded(lambda: import_rules(files, base, target.name if target else "imported.yaml"))
    text = spec_text(imported.data, files)
    if target is None:
        sys.stdout.write(text)
        typer.echo(imported.report.render(), err=True, nl=False)
        return
    guarded(lambda: write_spec(target, text, replace=force or merge is not None))
    typer.echo(imported.report.render(), nl=False)
    typer.echo(f"wrote {target}; next: `stackgen validate {target}` and `stackgen generate {target}`")
