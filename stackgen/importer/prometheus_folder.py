"""`stackgen import prometheus FOLDER`: a whole Prometheus config folder in one command.

The rule files are the ones prometheus.yml's `rule_files:` globs select (relative to the folder, as Prometheus
reads them), imported by `import rules`; an Alertmanager config beside it (alertmanager.yml or .yaml) is
imported by `import alertmanager`. What prometheus.yml holds besides (scrape jobs, remote write...) is listed
as left out: the spec describes its own services and targets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stackgen.errors import SpecError, SpecIssue
from stackgen.importer.alertmanager import import_alertmanager, routing_spec
from stackgen.importer.report import Report
from stackgen.importer.rules import Base, Imported, import_rules
from stackgen.spec.loader import read_source

CONFIG_NAMES = ("prometheus.yml", "prometheus.yaml")
ALERTMANAGER_NAMES = ("alertmanager.yml", "alertmanager.yaml")


def _config(folder: Path) -> Path:
    if not folder.is_dir():
        raise SpecError([SpecIssue(str(folder), None, "", "not a folder",
                                   "give the folder that holds prometheus.yml")])
    for name in CONFIG_NAMES:
        if (folder / name).is_file():
            return folder / name
    raise SpecError([SpecIssue(str(folder), None, "", "no prometheus.yml in this folder",
                               "give the folder that holds prometheus.yml, or import the rule files by name")])


def rule_files(config: Path, report: Report) -> list[Path]:
    """The files `rule_files:` selects, in its order, each once; a glob that selects none is reported."""
    source = read_source(config)
    data = source.data if isinstance(source.data, dict) else {}
    globs = data.get("rule_files") or []
    if not isinstance(globs, list) or not all(isinstance(g, str) for g in globs):
        raise SpecError([source.issue(("rule_files",), "'rule_files:' must be a list of file globs")])
    found: list[Path] = []
    for i, pattern in enumerate(globs):
        where = f"{config}:{source.line(('rule_files', i))}"
        root, relative = (Path("/"), pattern.lstrip("/")) if Path(pattern).is_absolute() else (config.parent, pattern)
        # Prometheus globs as Go's filepath.Glob does: `**` is `*`, one folder deep. pathlib would descend every
        # folder below, so `/**/*.yml` walked the whole file system and imported files Prometheus never reads.
        relative = "/".join("*" if part == "**" else part for part in relative.split("/"))
        matches = sorted(p for p in root.glob(relative) if p.is_file()) if relative.strip() else []
        if not matches:
            report.leave_out(where, f"rule_files '{pattern}': selects no file")
        found += [p for p in matches if p not in found]
    for key in sorted(set(data) - {"rule_files"}):
        what = f"{len(data[key])} scrape job(s)" if key == "scrape_configs" and isinstance(data[key], list) else key
        report.leave_out(f"{config}:{source.line((key,))}", f"{what} (the spec describes its own services, targets "
                                                            "and settings; add them by hand)")
    return found


def import_prometheus(folder: Path, base: Base | None = None, out_name: str = "imported.yaml") -> tuple[Imported,
                                                                                                          list[Path]]:
    """The spec of a Prometheus folder's rule files and Alertmanager config, and the files it read."""
    config = _config(folder)
    folder_report = Report()
    files = rule_files(config, folder_report)
    alertmanager = next((folder / n for n in ALERTMANAGER_NAMES if (folder / n).is_file()), None)
    if not files and alertmanager is None:
        raise SpecError([SpecIssue(str(config), None, "", "no rule file and no alertmanager.yml to import",
                                   "check rule_files: in prometheus.yml")])
    base = base or Base({})
    report = Report(changed=list(folder_report.changed), left_out=list(folder_report.left_out))
    spec: dict[str, Any] = base.data
    if files:
        rules = import_rules(files, base, out_name)
        spec = rules.data
        _join(report, rules.report)
    if alertmanager is not None:
        routing, routing_report = import_alertmanager(alertmanager)
        spec = routing_spec(routing, spec, out_name, alertmanager)
        _join(report, routing_report)
    return Imported(spec, report), [config, *files, *([alertmanager] if alertmanager else [])]


def _join(report: Report, part: Report) -> None:
    report.imported += part.imported
    report.changed += part.changed
    report.left_out += part.left_out
