"""Dashboard checks: unique uids, queries over declared metrics, thresholds that exist."""

from __future__ import annotations

from stackgen.spec.schema_check import did_you_mean


def check_dashboards(c) -> None:
    dashboards = c.doc.get("dashboards", [])
    c.unique(((("dashboards", i, "uid"), d["uid"]) for i, d in enumerate(dashboards)), "dashboard uid")
    for di, dashboard in enumerate(dashboards):
        for ri, row in enumerate(dashboard["rows"]):
            for pi, panel in enumerate(row["panels"]):
                path = ("dashboards", di, "rows", ri, "panels", pi)
                for qi, query in enumerate(panel["queries"]):
                    c.expression(path + ("queries", qi, "expr"), query["expr"], grafana=True)
                for ti, step in enumerate(panel.get("thresholds", [])):
                    ref = step["value"]
                    if isinstance(ref, str) and ref not in c.thresholds:
                        c.add(path + ("thresholds", ti, "value"), f"unknown threshold '{ref}'",
                              did_you_mean(ref, c.thresholds) or "declare it under 'thresholds:'")
