"""What `stackgen verify` does with the exporters it cannot run: their alerts and panels are not proven.

verify runs the spec's services (stackgen's demo service) and the exporters this machine can run
(`stackgen.local.exporters`). An exporter it cannot run has no series, so an alert on its metrics cannot
fire and a panel on them has no data. Nothing stands in for it and nothing is pretended: such an alert
fails with the reason unless the spec marks it `verify: {skip: <reason>}` (its promtool unit tests still
prove the rule), and such a panel is reported skipped, with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from stackgen import promql
from stackgen.model import Exporter, Spec
from stackgen.verify.report import SKIPPED, PanelResult

PanelKey = tuple[str, str]  # dashboard title, panel title


def absent_series(exporters: Iterable[Exporter], running: Spec) -> dict[str, str]:
    """Series name -> the exporter that is not running which would expose it; recording rules built on them too."""
    names = {e.name for e in running.exporters}
    declared = {n for m in running.metrics for n in m.series_names}
    absent = {n: e.name for e in exporters if e.name not in names for m in e.metrics for n in m.series_names
              if n not in declared}
    for rule in running.recording_rules:  # in order: a rule reads the rules before it
        hit = _first_absent(rule.expr, absent)
        if hit:
            absent[rule.record] = absent[hit]
    return absent


def _first_absent(expr: str, absent: dict[str, str]) -> str | None:
    try:  # panel queries may hold Grafana's macros ($__rate_interval), which PromQL does not parse
        names = promql.metric_names(promql.grafana_to_promql(expr))
    except promql.PromQLSyntaxError:
        return None
    return next(iter(sorted(names & absent.keys())), None)


def absent_reason(exprs: Iterable[str], absent: dict[str, str], dropped: Iterable[str]) -> str | None:
    """Why expressions cannot be true on this stack: a series or a job of an exporter that is not running."""
    for expr in exprs:
        hit = _first_absent(expr, absent)
        if hit:
            return f"it reads {hit}, exposed by {absent[hit]}, which verify cannot run here"
        job = next((j for j in dropped if re.search(r'\bjob\s*=~?\s*"' + re.escape(j) + '"', expr)), None)
        if job:
            return f"it reads the scrape job {job}, which verify cannot run here"
    return None


def unproven_panels(spec: Spec, absent: dict[str, str], dropped: Iterable[str]) -> dict[PanelKey, str]:
    """The panels that cannot have data on this stack, with the reason."""
    out = {}
    for d in spec.dashboards:
        for p in d.panels:
            reason = absent_reason((q.expr for q in p.queries), absent, dropped)
            if reason:
                out[(d.title, p.title)] = reason
    return out


def without_panels(spec: Spec, keys: dict[PanelKey, str]) -> Spec:
    """The spec without those panels, so the panel check neither waits for them nor reports them."""
    dashboards = tuple(replace(d, rows=tuple(replace(r, panels=tuple(p for p in r.panels if (d.title, p.title) not in keys))
                                             for r in d.rows)) for d in spec.dashboards)
    return replace(spec, dashboards=dashboards)


def merged_panels(spec: Spec, checked: list[PanelResult], skipped: dict[PanelKey, str]) -> list[PanelResult]:
    """The panel results in dashboard order: the checked ones, and the skipped ones with their reason."""
    rest = iter(checked)
    return [PanelResult(d.title, p.title, SKIPPED, f"no data expected: {skipped[(d.title, p.title)]}")
            if (d.title, p.title) in skipped else next(rest) for d in spec.dashboards for p in d.panels]
