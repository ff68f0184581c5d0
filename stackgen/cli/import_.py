"""`stackgen import rules|dashboard FILE...`, `import alertmanager FILE`, `import prometheus FOLDER`: a spec.

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
    from stackgen.importer.spec_file import read_base, spec_text

    if out is not None and merge is not None:
        raise typer.BadParameter("give --out or --merge, not both")
    base = guarded(lambda: read_base(merge)) if merge is not None else None
    target = merge or out
    imported = guarded(lambda: import_rules(files, base, target.name if target else "imported.yaml"))
    _emit(spec_text(imported.data, files), imported.report.render(), target, force or merge is not None)


def import_alertmanager_command(
    file: Path = typer.Argument(..., help="An Alertmanager config (alertmanager.yml).", show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", show_default=False,
                                       help="Write a new spec here (default: stdout)."),
    merge: Optional[Path] = typer.Option(None, "--merge", show_default=False,
                                         help="Add routing to this spec and rewrite it (its comments are not kept)."),
    force: bool = typer.Option(False, "--force", help="Replace the --out file when it exists."),
) -> None:
    """Import an Alertmanager config as routing: routes, receivers (secrets as files), inhibit rules, time intervals."""
    from stackgen.importer.alertmanager import import_alertmanager, routing_spec
    from stackgen.importer.spec_file import read_base, spec_text

    if out is not None and merge is not None:
        raise typer.BadParameter("give --out or --merge, not both")
    base = guarded(lambda: read_base(merge)).data if merge is not None else {}
    target = merge or out
    routing, report = guarded(lambda: import_alertmanager(file))
    spec = guarded(lambda: routing_spec(routing, base, target.name if target else "imported.yaml"))
    _emit(spec_text(spec, [file]), report.render(), target, force or merge is not None)


def import_dashboard_command(
    files: list[Path] = typer.Argument(..., help="Grafana dashboard JSON files (as Grafana exports them).",
                                       show_default=False, metavar="FILE..."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", show_default=False,
                                       help="Write a new spec here (default: stdout)."),
    merge: Optional[Path] = typer.Option(None, "--merge", show_default=False,
                                         help="Add the dashboards to this spec and rewrite it (its comments are not kept)."),
    force: bool = typer.Option(False, "--force", help="Replace the --out file when it exists."),
) -> None:
    """Import Grafana dashboards: panels, queries, rows, variables, units and thresholds; the rest is reported."""
    from stackgen.importer.dashboards import import_dashboards
    from stackgen.importer.spec_file import read_base, spec_text

    if out is not None and merge is not None:
        raise typer.BadParameter("give --out or --merge, not both")
    base = guarded(lambda: read_base(merge)) if merge is not None else None
    target = merge or out
    imported = guarded(lambda: import_dashboards(files, base, target.name if target else "imported.yaml"))
    _emit(spec_text(imported.data, files), imported.report.render(), target, force or merge is not None)


def import_prometheus_command(
    folder: Path = typer.Argument(..., help="A Prometheus config folder: prometheus.yml, its rule files and an "
                                  "alertmanager.yml beside it.", show_default=False),
    out: Optional[Path] = typer.Option(None, "--out", "-o", show_default=False,
                                       help="Write a new spec here (default: stdout)."),
    merge: Optional[Path] = typer.Option(None, "--merge", show_default=False,
                                         help="Add rules and routing to this spec and rewrite it (its comments are "
                                              "not kept)."),
    force: bool = typer.Option(False, "--force", help="Replace the --out file when it exists."),
) -> None:
    """Import a Prometheus folder: the rule files rule_files: selects, and alertmanager.yml when beside it."""
    from stackgen.importer.prometheus_folder import import_prometheus
    from stackgen.importer.spec_file import read_base, spec_text

    if out is not None and merge is not None:
        raise typer.BadParameter("give --out or --merge, not both")
    base = guarded(lambda: read_base(merge)) if merge is not None else None
    target = merge or out
    imported, files = guarded(lambda: import_prometheus(folder, base, target.name if target else "imported.yaml"))
    _emit(spec_text(imported.data, files), imported.report.render(), target, force or merge is not None)


def _emit(text: str, report: str, target: Optional[Path], replace: bool) -> None:
    """The spec to `target` (report to stdout), or to stdout (report to stderr)."""
    from stackgen.importer.spec_file import write_spec

    if target is None:
        sys.stdout.write(text)
        typer.echo(report, err=True, nl=False)
        return
    guarded(lambda: write_spec(target, text, replace))
    typer.echo(report, nl=False)
    typer.echo(f"wrote {target}; next: `stackgen validate {target}` and `stackgen generate {target}`")
