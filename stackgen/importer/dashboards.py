"""`stackgen import dashboard`: Grafana dashboard JSON in, the spec's `dashboards:` out, checked.

Panels, queries, rows, variables, units and thresholds carry over; the metrics the queries read are declared
as inferred, as `import rules` declares them. A panel or variable the spec's checks refuse is left out and
reported at its own file and line, and the rest is checked again, as `import rules` does with rules.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stackgen import promql
from stackgen.errors import SpecError, SpecIssue
from stackgen.importer.dashboard_json import RawDashboard, grid_order, read_dashboard
from stackgen.importer.dashboard_panels import PanelMapper, as_dict, as_list, datasource_type
from stackgen.importer.metrics import Usage, infer_metrics, usage_of
from stackgen.importer.report import Report
from stackgen.importer.rules import API_VERSION, Base, Imported
from stackgen.spec.dashboard_checks import _LABEL_VALUES_OF, _QUERY_RESULT
from stackgen.spec.loader import check_typed
from stackgen.spec.yamlsource import Source

NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
DURATION = re.compile(r"^[0-9]+(ms|s|m|h|d|w|y)$")


@dataclass
class _Placed:
    path: tuple[str | int, ...]  # where in the spec
    key: str  # what the report and the refusals call it: "file:line: panel 'X'"


def _uid(raw: dict[str, Any], title: str, taken: set[str]) -> str:
    uid = re.sub(r"[^a-zA-Z0-9_-]+", "-", str(raw.get("uid") or title.lower())).strip("-")[:36] or "imported"
    unique, n = uid, 2
    while unique in taken:
        unique, n = f"{uid}-{n}", n + 1
    taken.add(unique)
    return unique


class DashboardMapper:
    def __init__(self, report: Report, refused: dict[str, str], taken: tuple[set[str], set[str]]) -> None:
        self.report, self.refused = report, refused
        self.uids, self.titles = taken
        self.panels = PanelMapper(report)
        self.placed: list[_Placed] = []
        self.usages: list[Usage] = []
        self.counts = {"panels": 0, "variables": 0, "rows": 0}

    def dashboard(self, raw: RawDashboard, index: int) -> dict[str, Any] | None:
        data = raw.data
        title = str(data.get("title") or "Imported").strip()
        unique, n = title, 2
        while unique in self.titles:
            unique, n = f"{title} ({n})", n + 1
        if unique != title:
            self.report.change(raw.where(("title",)), f"dashboard '{title}' renamed '{unique}' (the title is taken)")
        self.titles.add(unique)
        spec: dict[str, Any] = {"uid": _uid(data, unique, self.uids), "title": unique}
        if data.get("description"):
            spec["description"] = str(data["description"])
        if isinstance(data.get("tags"), list) and data["tags"]:
            spec["tags"] = [str(t) for t in data["tags"]]
        if isinstance(data.get("refresh"), str) and DURATION.match(data["refresh"]):
            spec["refresh"] = data["refresh"]
        elif "refresh" in data:
            self.report.change(raw.where(("refresh",)), f"refresh {data['refresh']!r} imported as stackgen's default "
                               "30s (the spec's dashboards always refresh)")
        time = as_dict(data.get("time"))
        if time.get("from") or time.get("to"):
            spec["time"] = {k: str(time[k]) for k in ("from", "to") if time.get(k)}
        self._extras(raw)
        path, placed = ("dashboards", index), len(self.placed)
        variables = self._variables(raw, path)
        if variables:
            spec["variables"] = variables
        spec["rows"] = self._rows(raw, path)
        if not spec["rows"]:
            self.report.leave_out(raw.where(()), f"dashboard '{unique}': no panel the spec can carry")
            del self.placed[placed:]  # its variables are not in the spec either
            return None
        return spec

    def _extras(self, raw: RawDashboard) -> None:
        if raw.data.get("links"):
            self.report.leave_out(raw.where(("links",)), "dashboard links (the spec has no place for them)")
        annotations = as_list(as_dict(raw.data.get("annotations")).get("list"))
        own = [a for a in annotations if isinstance(a, dict) and not a.get("builtIn")]
        if own:
            self.report.leave_out(raw.where(("annotations",)), f"{len(own)} annotation query(ies): "
                                  + ", ".join(str(a.get("name")) for a in own) + " (the spec has no place for them)")
        self.report.change(raw.where(("panels",)), "panels laid out left to right in reading order with their width "
                           "and height; display options (legend, tooltip, colour scheme) follow stackgen's defaults")

    def _refused(self, key: str) -> bool:
        return key in self.refused

    def _variables(self, raw: RawDashboard, path: tuple[str | int, ...]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        listed = as_list(as_dict(raw.data.get("templating")).get("list"))
        for i, item in enumerate(listed):
            if not isinstance(item, dict):
                continue
            where = raw.where(("templating", "list", i))
            key = f"{where}: variable '{item.get('name')}'"
            if self._refused(key):
                continue
            variable = self._variable(item, key)
            if variable is not None:
                self.placed.append(_Placed(path + ("variables", len(found)), key))
                found.append(variable)
        self.counts["variables"] += len(found)
        return found

    def _variable(self, item: dict[str, Any], key: str) -> dict[str, Any] | None:
        name, kind = str(item.get("name") or ""), item.get("type")
        where, _, what = key.partition(": ")
        if not NAME.match(name):
            self.report.leave_out(where, f"{what}: the name is not a label name the spec can carry")
            return None
        found: dict[str, Any] = {"name": name, "type": kind}
        if item.get("label"):
            found["label"] = str(item["label"])
        if kind == "datasource":
            if str(item.get("query") or "prometheus") != "prometheus":
                self.report.leave_out(where, f"{what}: a '{item.get('query')}' data source (the spec's panels "
                                             "query Prometheus)")
                return None
        elif kind == "query":
            query = item.get("query")
            query = query.get("query") if isinstance(query, dict) else query
            if datasource_type(item.get("datasource")) != "prometheus" or not isinstance(query, str) or not query:
                self.report.leave_out(where, f"{what}: a query that is not a Prometheus variable query")
                return None
            found["query"] = query
            match = _LABEL_VALUES_OF.match(query) or _QUERY_RESULT.match(query)
            if match:
                self._use(match.group("expr"))
        elif kind == "custom":
            values = [v.strip() for v in re.split(r"(?<!\\),", str(item.get("query") or "")) if v.strip()]
            if not values:
                self.report.leave_out(where, f"{what}: a custom variable without values")
                return None
            found["values"] = values
            current = as_dict(item.get("current")).get("value")
            if isinstance(current, str) and current in values:
                found["default"] = current
        else:
            self.report.leave_out(where, f"{what}: variable type '{kind}' (the spec has query, custom and "
                                         "datasource variables)")
            return None
        if item.get("regex") and kind in ("query", "datasource"):
            found["regex"] = str(item["regex"])
        if kind != "datasource":
            found.update({k: True for k, src in (("multi", "multi"), ("include_all", "includeAll")) if item.get(src)})
        return found

    def _use(self, expr: str) -> None:
        try:
            usage = usage_of(promql.parse(promql.grafana_to_promql(expr)))
        except promql.PromQLSyntaxError:
            return  # the spec's checks name it at its panel
        self.usages.append(Usage(usage.names - {"grafana_var"}, usage.counted - {"grafana_var"}))

    def _rows(self, raw: RawDashboard, path: tuple[str | int, ...]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for row in raw.rows:
            panels: list[dict[str, Any]] = []
            for panel in grid_order(row.panels):
                key = f"{panel.where}: panel '{panel.data.get('title')}'"
                if self._refused(key):
                    continue
                mapped = self.panels.panel(panel.data, panel.where)
                if mapped is None:
                    continue
                self.placed.append(_Placed(path + ("rows", len(rows), "panels", len(panels)), key))
                for query in mapped["queries"]:
                    self._use(query["expr"])
                panels.append(mapped)
            if not panels:
                if row.title:
                    self.report.leave_out(row.where, f"row '{row.title}': no panel the spec can carry")
                continue
            if row.title is None and rows:
                row.title = "Panels"
            spec_row: dict[str, Any] = {"title": row.title} if row.title else {}
            if row.collapsed:
                spec_row["collapsed"] = True
            rows.append({**spec_row, "panels": _unique_titles(panels, self.report, row.where)})
        self.counts["rows"] += len(rows)
        self.counts["panels"] += sum(len(r["panels"]) for r in rows)
        return rows


def _unique_titles(panels: list[dict[str, Any]], report: Report, where: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for panel in panels:
        title, n = panel["title"], 2
        while panel["title"] in seen:
            panel["title"], n = f"{title} ({n})", n + 1
        if panel["title"] != title:
            report.change(where, f"panel '{title}' renamed '{panel['title']}' (panel titles are unique)")
        seen.add(panel["title"])
    return panels


def _assemble(raws: list[RawDashboard], base: Base, refused: dict[str, str],
              report: Report) -> tuple[dict[str, Any], DashboardMapper, int, int]:
    old = list(base.data.get("dashboards") or [])
    taken = ({str(d.get("uid")) for d in old}, {str(d.get("title")) for d in old})
    mapper = DashboardMapper(report, refused, taken)
    new = 0
    for raw in raws:
        mapped = mapper.dashboard(raw, len(old))
        if mapped is not None:
            old.append(mapped)
            new += 1
    metrics = infer_metrics(mapper.usages, base.known_metrics, reader="imported dashboard panels")
    spec = {"apiVersion": API_VERSION, **{k: v for k, v in base.data.items() if k != "apiVersion"}}
    if metrics:
        spec["metrics"] = [*(base.data.get("metrics") or []), *metrics]
    if new:
        spec["dashboards"] = old
    return spec, mapper, len(metrics), new


def import_dashboards(paths: Sequence[Path], base: Base | None = None,
                      out_name: str = "imported.yaml") -> Imported:
    """The spec of the dashboards in `paths` (merged into `base`), checked; SpecError for unreadable input."""
    raws = [read_dashboard(path) for path in paths]
    base = base or Base({})
    refused: dict[str, str] = {}
    while True:
        report = Report()
        spec, mapper, metrics, new = _assemble(raws, base, refused, report)
        if not new:  # say why, rather than that the spec would declare nothing
            raise SpecError([SpecIssue(", ".join(str(p) for p in paths), None, "", "no dashboard the spec can carry: "
                                       + "; ".join(report.left_out), "nothing was written")])
        lines: dict[tuple, int] = {(): 0}
        lines.update({p.path: i + 1 for i, p in enumerate(mapper.placed)})
        try:
            check_typed(Source(out_name, spec, lines))
            break
        except SpecError as exc:
            unplaced = [issue for issue in exc.issues if not issue.line]
            if unplaced:  # about the base spec, or nothing a panel can be left out for
                raise SpecError(unplaced) from None
            for issue in exc.issues:
                refused.setdefault(mapper.placed[(issue.line or 1) - 1].key, f"{issue.path.rpartition('.')[2]}: "
                                   f"{issue.message}" + (f" ({issue.hint})" if issue.hint else ""))
    for key, why in refused.items():
        where, _, what = key.partition(": ")
        report.leave_out(where, f"{what}: the spec's checks refuse it: {why}")
    counts = mapper.counts
    report.imported = [f"{len(paths)} file(s)",
                       f"{new} dashboard(s) with {counts['rows']} row(s), {counts['panels']} panel(s) and "
                       f"{counts['variables']} variable(s)",
                       f"{metrics} metric(s) declared with inferred types (confirm them)"]
    return Imported(spec, report)
