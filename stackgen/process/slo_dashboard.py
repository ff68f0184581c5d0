"""One Grafana dashboard for every SLO of a spec: a row per SLO, read from the SLO recording rules.

Built as model data, so the grafanalib renderer and its layout engine render it like any spec dashboard.
Every query reads recorded `slo:*` series, never the raw SLI, so the dashboard costs Prometheus nothing.
"""

from __future__ import annotations

from stackgen.model import Dashboard, Panel, PanelThreshold, Query, Row, Spec
from stackgen.process.slo_model import PAGE_WINDOWS, SLI_WINDOWS, SLO, TICKET_WINDOWS, number
from stackgen.process.slo_rules import ID_MATCHING

# The burn-rate line colours, slowest (ticket, 3d) to fastest (page, 1h), as the thresholds ascend.
BURN_COLOURS = ("yellow", "orange", "red", "dark-red")


def _burn_rate(slo: SLO, window: str) -> str:
    return f"{slo.sli_record(window)}{slo.selector} / {ID_MATCHING} group_left slo:error_budget:ratio{slo.selector}"


def _availability(slo: SLO) -> Panel:
    return Panel(
        title=f"Availability over {slo.window}", type="stat", width=6, height=6, unit="percentunit", decimals=3,
        description=f"Share of good events over the SLO window; the objective is {number(slo.objective)}%.",
        queries=(Query(f"1 - {slo.sli_record(slo.window)}{slo.selector}", legend="availability"),),
        thresholds=(PanelThreshold(None, "red"), PanelThreshold(slo.objective_ratio, "green")),
    )


def _budget(slo: SLO) -> Panel:
    return Panel(
        title=f"Error budget left ({slo.window})", type="gauge", width=6, height=6, unit="percentunit",
        decimals=1, min=0, max=1,
        description="Share of the window's error budget not yet spent; below 0 the SLO is missed.",
        queries=(Query(f"slo:period_error_budget_remaining:ratio{slo.selector}", legend="budget left"),),
        thresholds=(PanelThreshold(None, "red"), PanelThreshold(0.25, "orange"), PanelThreshold(0.5, "green")),
    )


def _burn_rates(slo: SLO) -> Panel:
    windows = sorted((*PAGE_WINDOWS, *TICKET_WINDOWS), key=lambda w: w.factor(slo.window))
    return Panel(
        title="Burn rate per alert window", type="timeseries", width=12, height=6, unit="short", decimals=2,
        description="How many times faster than the SLO allows the budget burns, over each alert's long window. "
                    "The lines are the alert thresholds: page above the red ones, ticket above the others.",
        queries=tuple(Query(_burn_rate(slo, w.long), legend=f"{w.long} (alerts at {number(w.factor(slo.window))}x)")
                      for w in sorted(windows, key=lambda w: SLI_WINDOWS.index(w.long))),
        thresholds=(PanelThreshold(None, "green"),
                    *(PanelThreshold(round(w.factor(slo.window), 4), c) for w, c in zip(windows, BURN_COLOURS))),
    )


def _sli(slo: SLO) -> Panel:
    return Panel(
        title="SLI over time", type="timeseries", width=24, height=6, unit="percentunit", decimals=3,
        description="Share of good events over 5m and 1h, against the objective.",
        queries=(Query(f"1 - {slo.sli_record('5m')}{slo.selector}", legend="good events (5m)"),
                 Query(f"1 - {slo.sli_record('1h')}{slo.selector}", legend="good events (1h)"),
                 Query(f"slo:objective:ratio{slo.selector}", legend="objective")),
    )


def slo_row(slo: SLO) -> Row:
    title = f"{slo.service} / {slo.name}: {number(slo.objective)}% over {slo.window}"
    return Row(title=title, panels=(_availability(slo), _budget(slo), _burn_rates(slo), _sli(slo)))


def slo_dashboard_uid(spec: Spec) -> str:
    return f"{spec.name}-slos"


def slo_dashboard(spec: Spec, slos: tuple[SLO, ...]) -> Dashboard:
    return Dashboard(
        uid=slo_dashboard_uid(spec), title=f"{spec.title}: service level objectives", rows=tuple(slo_row(s) for s in slos),
        description="Availability, error budget and burn rates of every SLO, from the SLO recording rules.",
        tags=("slo", spec.name), refresh="1m", time_from="now-2d",
    )
