"""Every dashboard panel returns data on a healthy stack: each query asked of Prometheus' HTTP API.

Grafana's variables are replaced by a value Prometheus offers (as Grafana's first option would be) and
its range macros by a window the fast clock fills; a panel the spec marks `empty_when_healthy` is not
expected to have data.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from stackgen.model import Dashboard, Panel, Spec
from stackgen.render.grafana_variables import custom_pick
from stackgen.verify.http import get_json, poll
from stackgen.verify.report import FAILED, PROVEN, SKIPPED, PanelResult
from stackgen.wording import counted

GRAFANA_RANGE = re.compile(r"\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}")
LABEL_VALUES = re.compile(r"^label_values\((?:(.*),\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\)$")
WINDOW = "10s"  # ten scrapes on the fast clock: every rate() has samples to work with
LOOKBACK = 120.0  # seconds of history each query covers
VARIABLE_TIMEOUT = 20.0  # seconds a variable's series may take to appear after the first scrapes


def prometheus_data(prometheus: str, path: str, **params: object) -> Any:
    try:
        body = get_json(f"{prometheus}{path}", dict(params) or None, timeout=10)
    except (OSError, ValueError):  # a refused query (400) or a slow answer: no data, which the caller reports
        return None
    return body.get("data") if body.get("status") == "success" else None


def variable_value(prometheus: str, query: str) -> str | None:
    """The first value a `label_values(...)` variable offers (None: none yet); any value (`.*`) for others."""
    m = LABEL_VALUES.match(query.strip())
    if not m:
        return ".*"
    selector, label = m.group(1), m.group(2)
    if selector and selector.strip():
        series = prometheus_data(prometheus, "/api/v1/series", **{"match[]": selector}) or []
        values = sorted({s[label] for s in series if isinstance(s, dict) and label in s})
    else:
        values = sorted(prometheus_data(prometheus, f"/api/v1/label/{label}/values") or [])
    return str(values[0]) if values else None


def substituted(expr: str, values: dict[str, str]) -> str:
    expr = GRAFANA_RANGE.sub(WINDOW, expr)
    for name, value in values.items():
        expr = re.sub(rf"\$\{{{name}(:[a-z]+)?\}}|\${name}\b", value.replace("\\", "\\\\"), expr)
    return expr


def _has_data(prometheus: str, expr: str) -> bool:
    end = time.time()
    data = prometheus_data(prometheus, "/api/v1/query_range", query=expr, start=end - LOOKBACK, end=end, step=1)
    return bool(isinstance(data, dict) and data.get("result"))


def _evaluates(prometheus: str, expr: str) -> bool:
    return prometheus_data(prometheus, "/api/v1/query", query=expr) is not None


def check_panels(spec: Spec, prometheus: str, timeout: float,
                 progress: Callable[[str], None] = lambda line: None) -> list[PanelResult]:
    """Each panel: proven when every query has data within `timeout` (the stack may have just started)."""
    panels: list[tuple[Dashboard, Panel]] = [(d, p) for d in spec.dashboards for p in d.panels]
    values: dict[str, str] = {}
    for variable in (v for d in spec.dashboards for v in d.variables):  # a later query may use an earlier one
        if variable.type == "custom":  # its first pick, as Grafana starts on it; a datasource one is no PromQL
            values[variable.name] = custom_pick(variable)
        elif variable.type == "query":
            query = substituted(variable.query, values)
            values[variable.name] = poll(partial(variable_value, prometheus, query), VARIABLE_TIMEOUT) or ".*"
    progress("dashboard variables: " + (", ".join(f"${k}={v}" for k, v in values.items()) or "none"))
    waiting = {(d.uid, p.title): [substituted(q.expr, values) for q in p.queries] for d, p in panels}
    marked = {(d.uid, p.title) for d, p in panels if p.empty_when_healthy}

    def settled() -> bool:
        for key, exprs in list(waiting.items()):
            waiting[key] = [e for e in exprs if not _has_data(prometheus, e)]
            if not waiting[key]:
                del waiting[key]
        return waiting.keys() <= marked

    # Marked panels do not hold the wait (they may stay empty for the whole of it): what has data by the
    # time the others do is reported. Said first, as a panel that never gets data holds the run that long.
    progress(f"panels: waiting up to {timeout:g} s for {counted(len(waiting.keys() - marked), 'panel')} to have data")
    poll(settled, timeout, every=2)
    out = []
    for d, p in panels:
        empty = waiting.get((d.uid, p.title), [])
        if p.empty_when_healthy:
            broken = [e for e in empty if not _evaluates(prometheus, e)]
            out.append(PanelResult(d.title, p.title, FAILED, "Prometheus refuses " + "; ".join(broken)) if broken
                       else PanelResult(d.title, p.title, SKIPPED, f"{len(p.queries) - len(empty)} of "
                                        f"{len(p.queries)} queries have data; the others are empty when healthy "
                                        "(marked in the spec) and evaluate"))
        elif empty:
            out.append(PanelResult(d.title, p.title, FAILED, "no data for " + "; ".join(empty)))
        else:
            out.append(PanelResult(d.title, p.title, PROVEN))
    progress(f"panels: {sum(r.status == PROVEN for r in out)} of {len(out)} have data")
    return out
