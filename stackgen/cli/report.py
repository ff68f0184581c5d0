"""Spec problems for machines: JSON for scripts, workflow-command lines for GitHub Actions annotations.

`validate --format json|github` prints through here; the text format stays `SpecIssue.__str__`.
"""

from __future__ import annotations

import json
from typing import Literal

from stackgen.errors import SpecIssue
from stackgen.frozen import Frozen

Severity = Literal["error", "warning"]


class Finding(Frozen):
    """One problem in one spec, with how bad it is: errors fail the run, warnings (naming lint) do not."""

    issue: SpecIssue
    severity: Severity


class SpecReport(Frozen):
    """What `validate` found about one spec: `ok` is whether it loaded, `findings` every problem."""

    file: str
    ok: bool
    findings: tuple[Finding, ...]


def render_json(reports: list[SpecReport]) -> str:
    """One JSON document: every spec with its verdict, and every issue with file, line, path, message, hint."""
    document = {
        "ok": all(r.ok for r in reports),
        "specs": [{"file": r.file, "ok": r.ok} for r in reports],
        "issues": [{"file": f.issue.file, "line": f.issue.line, "path": f.issue.path, "message": f.issue.message,
                    "hint": f.issue.hint, "severity": f.severity} for r in reports for f in r.findings],
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: list[SpecReport]) -> str:
    """GitHub Actions workflow commands (`::error file=...,line=...::...`): each issue annotates its line."""
    lines = []
    for finding in (f for r in reports for f in r.findings):
        issue = finding.issue
        where = f"file={_escape_property(issue.file)}" + (f",line={issue.line}" if issue.line else "")
        title = _escape_property(f"stackgen: {issue.path}" if issue.path else "stackgen")
        message = f"{issue.message} ({issue.hint})" if issue.hint else issue.message
        lines.append(f"::{finding.severity} {where},title={title}::{_escape_data(message)}\n")
    return "".join(lines)
