"""Grafana dashboard JSON read as data with lines, or a located error; its panels in rows as Grafana shows them.

Grafana exports (9 to 12) keep every panel in one `panels:` list: a `row` panel is followed by its panels when
open, and holds them in its own `panels:` when collapsed; panels before the first row sit in no row. The
export's JSON is parsed by json for its verdict (a syntax error names its file and line), then read again as
YAML (JSON is YAML) only for the line of each panel, so the report can say where each thing was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackgen.errors import SpecError, SpecIssue
from stackgen.importer.dashboard_panels import as_list
from stackgen.spec.loader import read_bounded
from stackgen.spec.yamlsource import parse_yaml

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class RawPanel:
    data: dict[str, Any]
    where: str  # file:line


@dataclass
class RawRow:
    title: str | None
    collapsed: bool
    where: str
    panels: list[RawPanel] = field(default_factory=list)


@dataclass(frozen=True)
class RawDashboard:
    data: dict[str, Any]
    file: str
    rows: list[RawRow]
    lines: dict[JsonPath, int]

    def where(self, path: JsonPath) -> str:
        while path and path not in self.lines:
            path = path[:-1]
        return f"{self.file}:{self.lines.get(path, 1)}"


def _lines(text: bytes, file: str) -> dict[JsonPath, int]:
    """The line of each path, when YAML reads the JSON (it does for Grafana's exports); else none."""
    try:
        return dict(parse_yaml(text, file).lines)
    except SpecError:
        return {}


def _document(path: Path) -> tuple[Any, bytes]:
    file = str(path)
    try:
        text = read_bounded(path)
    except FileNotFoundError:
        raise SpecError([SpecIssue(file, None, "", "no such file", "check the path")]) from None
    except IsADirectoryError:
        raise SpecError([SpecIssue(file, None, "", "is a directory, not a dashboard JSON file")]) from None
    except OSError as exc:
        raise SpecError([SpecIssue(file, None, "", f"cannot read: {exc.strerror}")]) from None
    try:
        return json.loads(text), text
    except UnicodeDecodeError:
        raise SpecError([SpecIssue(file, None, "", "not UTF-8 text", "export the dashboard as JSON again")]) from None
    except RecursionError:  # json nests on the call stack; no export comes near the limit
        raise SpecError([SpecIssue(file, None, "", "invalid JSON: nested too deeply to read",
                                   "export the dashboard from Grafana again (Share > Export > Save to file)")]) from None
    except json.JSONDecodeError as exc:
        raise SpecError([SpecIssue(file, exc.lineno, "", f"invalid JSON: {exc.msg} (column {exc.colno})",
                                   "export the dashboard from Grafana again (Share > Export > Save to file)")]) from None


def read_dashboard(path: Path) -> RawDashboard:
    """One exported dashboard (or the API's {"dashboard": ...} envelope) with its panels in rows."""
    data, text = _document(path)
    file = str(path)
    root: JsonPath = ()
    if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        data, root = data["dashboard"], ("dashboard",)
    if not isinstance(data, dict) or not isinstance(data.get("panels"), list):
        raise SpecError([SpecIssue(file, 1, "", "not a Grafana dashboard: no 'panels' list",
                                   "export it from Grafana 9 or later (Share > Export > Save to file)")])
    lines = {p[len(root):]: n for p, n in _lines(text, file).items() if p[:len(root)] == root}
    dashboard = RawDashboard(data, file, [], lines)
    dashboard.rows.extend(_rows(dashboard))
    return dashboard


def _rows(dashboard: RawDashboard) -> list[RawRow]:
    rows = [RawRow(None, False, dashboard.where(("panels",)))]
    for i, panel in enumerate(dashboard.data["panels"]):
        if not isinstance(panel, dict):
            continue
        where = dashboard.where(("panels", i))
        if panel.get("type") != "row":
            rows[-1].panels.append(RawPanel(panel, where))
            continue
        rows.append(RawRow(str(panel.get("title") or "") or None, bool(panel.get("collapsed")), where))
        for j, inner in enumerate(as_list(panel.get("panels"))):
            if isinstance(inner, dict):
                rows[-1].panels.append(RawPanel(inner, dashboard.where(("panels", i, "panels", j))))
    return rows


def grid_order(panels: list[RawPanel]) -> list[RawPanel]:
    """Panels in reading order (top to bottom, left to right), as the spec lays a row out."""
    def position(panel: RawPanel) -> tuple[int, int]:
        grid = panel.data.get("gridPos")
        if not isinstance(grid, dict):
            return (0, 0)
        return (_int(grid.get("y")), _int(grid.get("x")))
    return sorted(panels, key=position)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
