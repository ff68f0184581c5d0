"""What `stackgen verify` found, as data, and the three ways it is shown: a table, JSON and JUnit XML.

Pure functions: the command prints the table and writes the file `--report` names, picked by its extension.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, field
from pathlib import Path

from stackgen.errors import UsageError
from stackgen.wording import counted

PROVEN, SKIPPED, FAILED = "proven", "skipped", "failed"
REPORT_FORMATS = (".json", ".xml")


@dataclass(frozen=True)
class AlertResult:
    alert: str
    status: str  # PROVEN | SKIPPED | FAILED
    how: str = ""  # drive, alias, stop_target
    fired_after: float | None = None  # seconds from the fault to firing in Prometheus
    delivered_to: tuple[str, ...] = ()
    expected: tuple[str, ...] = ()  # the receivers Alertmanager's routing names
    inhibited: tuple[str, ...] = ()  # severities firing but inhibited, and proven not delivered
    resolved_after: float | None = None  # seconds from clearing the fault to the resolved notification
    detail: str = ""  # the reason it was skipped, or what failed


@dataclass(frozen=True)
class PanelResult:
    dashboard: str
    panel: str
    status: str  # PROVEN (has data) | SKIPPED (empty when healthy) | FAILED
    detail: str = ""


@dataclass(frozen=True)
class InhibitResult:
    rule: str
    source: str  # the alert fired as the rule's source ("-": none)
    target: str  # the alert it must silence
    status: str  # PROVEN | SKIPPED (not provable live; not a failure) | FAILED
    detail: str = ""


@dataclass(frozen=True)
class Report:
    spec: str
    alerts: tuple[AlertResult, ...]
    panels: tuple[PanelResult, ...]
    seconds: float = 0.0
    inhibitions: tuple[InhibitResult, ...] = ()
    problems: tuple[str, ...] = field(default=())  # failures that belong to no alert or panel

    @property
    def ok(self) -> bool:
        statuses = [r.status for r in self.alerts] + [p.status for p in self.panels] + [
            i.status for i in self.inhibitions]
        return not self.problems and FAILED not in statuses


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def alert_rows(report: Report) -> list[tuple[str, str, str, str]]:
    rows = []
    for r in report.alerts:
        if r.status == SKIPPED:
            rows.append((r.alert, "-", "-", f"skipped: {r.detail}"))
            continue
        delivered = ", ".join(r.delivered_to) or "-"
        if r.inhibited:
            delivered += f" ({', '.join(r.inhibited)} inhibited)"
        resolved = f"yes, after {_seconds(r.resolved_after)}" if r.status == PROVEN else f"FAILED: {r.detail}"
        rows.append((r.alert, _seconds(r.fired_after), delivered, resolved))
    return rows


def table(report: Report) -> str:
    """The alerts as an aligned text table, then the panels that are not plainly proven, then a verdict."""
    header = ("alert", "fired after s", "delivered to", "resolved")
    rows = [header, *alert_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3] for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  " + "-" * len(header[3]))
    proven = sum(p.status == PROVEN for p in report.panels)
    lines.append("")
    lines.append(f"panels: {proven} of {len(report.panels)} have data on the healthy baseline")
    lines += [f"  {p.dashboard} / {p.panel}: {p.status}: {p.detail}" for p in report.panels if p.status != PROVEN]
    if report.inhibitions:
        lines.append(f"inhibit rules: {sum(i.status == PROVEN for i in report.inhibitions)} of "
                     f"{len(report.inhibitions)} proven live")
        lines += [f"  {i.status}: {i.rule}: {i.detail}" for i in report.inhibitions]
    lines += [f"problem: {problem}" for problem in report.problems]
    counts = {s: sum(r.status == s for r in report.alerts) for s in (PROVEN, SKIPPED, FAILED)}
    verdict = "verified" if report.ok else "NOT verified"
    # The verdict names every kind of failure, so "0 failed" alerts never reads as a pass of a failed run.
    failed_panels = sum(p.status == FAILED for p in report.panels)
    failed_rules = sum(i.status == FAILED for i in report.inhibitions)
    also = "".join([f", {counted(failed_panels, 'panel')} without data" if failed_panels else "",
                    f", {counted(failed_rules, 'inhibit rule')} failed" if failed_rules else "",
                    f", {counted(len(report.problems), 'stack problem')}" if report.problems else ""])
    lines.append(f"{report.spec}: {verdict}: {counted(counts[PROVEN], 'alert')} proven, {counts[SKIPPED]} marked not "
                 f"provable, {counts[FAILED]} failed{also}; {report.seconds:.0f} s")
    return "\n".join(lines)


def as_json(report: Report) -> str:
    return json.dumps({**asdict(report), "ok": report.ok}, indent=2, sort_keys=True) + "\n"


def as_junit(report: Report) -> str:
    """One test case per alert and per panel; skipped ones carry their reason, failed ones what failed."""
    cases = [(f"alert {r.alert}", r.status, r.detail, r.fired_after or 0.0) for r in report.alerts]
    cases += [(f"panel {p.dashboard} / {p.panel}", p.status, p.detail, 0.0) for p in report.panels]
    cases += [(f"inhibit {i.rule}", i.status, i.detail, 0.0) for i in report.inhibitions]
    cases += [("stack", FAILED, problem, 0.0) for problem in report.problems]
    suite = ET.Element("testsuite", name=f"stackgen verify {report.spec}", tests=str(len(cases)),
                       failures=str(sum(c[1] == FAILED for c in cases)),
                       skipped=str(sum(c[1] == SKIPPED for c in cases)), time=f"{report.seconds:.1f}")
    for name, status, detail, seconds in cases:
        case = ET.SubElement(suite, "testcase", classname=report.spec, name=name, time=f"{seconds:.1f}")
        if status == FAILED:
            ET.SubElement(case, "failure", message=detail)
        elif status == SKIPPED:
            ET.SubElement(case, "skipped", message=detail)
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def render_report(report: Report, path: Path) -> str:
    """The report in the format `path`'s extension names: .json or .xml (JUnit)."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return as_json(report)
    if suffix == ".xml":
        return as_junit(report)
    raise UsageError(f"--report {path}: unknown report format {suffix or '(none)'!r} (name the file *.json or "
                     "*.xml for JUnit)")
