"""`stackgen import rules|dashboard FILE...`, `import alertmanager FILE`, `import prometheus FOLDER`: a spec.

The spec goes to --out (a new file, or one --force replaces), into the spec --merge names, or to stdout;
the report (imported, changed, left out) goes to stderr when the spec takes stdout, else to stdout.
"""

import sys
from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import guarded

OUT = typer.Option(None, "--out", "-o", show_default=False, help="Write a new spec here (default: stdout).")
FORCE = typer.Option(False, "--force", help="Replace the --out file when it exists.")


def merge_option(what: str) -> Optional[Path]:
    return typer.Option(None, "--merge", show_default=False,
                        help=f"Add {what} to this spec and rewrite it (its comments are not kept, but for "
                             "the editor's schema line).")


def _destination(out: Optional[Path], merge: Optional[Path]) -> tuple[Optional[Path], str]:
    """Where the spec goes (None: stdout) and the file name it is written for."""
    if out is not None and merge is not None:
        raise typer.BadParameter("give --out or --merge, not both")
    target = merge or out
    return target, target.name if target else "imported.yaml"


def import_rules_command(
    files: list[Path] = typer.Argument(..., help="Prometheus rule files (or PrometheusRule resources).",
                                       show_default=False, metavar="FILE..."),
    out: Optional[Path] = OUT,
    merge: Optional[Path] = merge_option("the rules"),
    force: bool = FORCE,
) -> None:
    """Import rule files: every group, alert and recording rule, with the metrics they read declared."""
    from stackgen.importer.rules import import_rules
    from stackgen.importer.spec_file import read_base, spec_text

    target, name = _destination(out, merge)
    base = guarded(lambda: read_base(merge)) if merge is not None else None
    imported = guarded(lambda: import_rules(files, base, name))
    _emit(spec_text(imported.data, files, merge), imported.report.render(), target, force or merge is not None)


def import_alertmanager_command(
    file: Path = typer.Argument(..., help="An Alertmanager config (alertmanager.yml).", show_default=False),
    out: Optional[Path] = OUT,
    merge: Optional[Path] = merge_option("routing"),
    force: bool = FORCE,
) -> None:
    """Import an Alertmanager config as routing: routes, receivers (secrets as files), inhibit rules, time intervals."""
    from stackgen.importer.alertmanager import import_alertmanager, routing_spec
    from stackgen.importer.spec_file import read_base, spec_text

    target, name = _destination(out, merge)
    base = guarded(lambda: read_base(merge)).data if merge is not None else {}
    routing, report = guarded(lambda: import_alertmanager(file))
    spec = guarded(lambda: routing_spec(routing, base, name, file))
    _emit(spec_text(spec, [file], merge), report.render(), target, force or merge is not None)


def import_dashboard_command(
    files: list[Path] = typer.Argument(..., help="Grafana dashboard JSON files (as Grafana exports them).",
                                       show_default=False, metavar="FILE..."),
    out: Optional[Path] = OUT,
    merge: Optional[Path] = merge_option("the dashboards"),
    force: bool = FORCE,
) -> None:
    """Import Grafana dashboards: panels, queries, rows, variables, units and thresholds; the rest is reported."""
    from stackgen.importer.dashboards import import_dashboards
    from stackgen.importer.spec_file import read_base, spec_text

    target, name = _destination(out, merge)
    base = guarded(lambda: read_base(merge)) if merge is not None else None
    imported = guarded(lambda: import_dashboards(files, base, name))
    _emit(spec_text(imported.data, files, merge), imported.report.render(), target, force or merge is not None)


def import_prometheus_command(
    folder: Path = typer.Argument(..., help="A Prometheus config folder: prometheus.yml, its rule files and an "
                                  "alertmanager.yml beside it.", show_default=False),
    out: Optional[Path] = OUT,
    merge: Optional[Path] = merge_option("rules and routing"),
    force: bool = FORCE,
) -> None:
    """Import a Prometheus folder: the rule files rule_files: selects, and alertmanager.yml when beside it."""
    from stackgen.importer.prometheus_folder import import_prometheus
    from stackgen.importer.spec_file import read_base, spec_text

    target, name = _destination(out, merge)
    base = guarded(lambda: read_base(merge)) if merge is not None else None
    imported, files = guarded(lambda: import_prometheus(folder, base, name))
    _emit(spec_text(imported.data, files, merge), imported.report.render(), target, force or merge is not None)


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
