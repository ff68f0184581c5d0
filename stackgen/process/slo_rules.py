"""An SLO's recording rules and its page and ticket alerts, named and labelled as Sloth names them.

Sloth's names (`slo:sli_error:ratio_rate5m`, `slo:error_budget:ratio`, ...) and identifying labels
(`sloth_id`, `sloth_service`, `sloth_slo`, `sloth_window`) are kept, so Sloth's dashboards and queries
read stackgen's series unchanged. Where the expressions differ, slo.py says why.
"""

from __future__ import annotations

from stackgen.model import Alert, RecordingRule, Runbook
from stackgen.process.fast import seconds
from stackgen.process.slo_model import (
    PAGE_WINDOWS,
    SEVERITY_LABEL,
    SLI_WINDOWS,
    SLO,
    TICKET_WINDOWS,
    WINDOW_LABEL,
    WINDOW_PLACEHOLDER,
    BucketSLI,
    BurnWindow,
    number,
)

ALERT_GROUP = "slos"
ID_MATCHING = "on(sloth_id, sloth_slo, sloth_service)"


def sli_queries(slo: SLO, window: str) -> tuple[str, str]:
    """The SLI's (errors, total) queries over one range window."""
    sli = slo.sli
    if isinstance(sli, BucketSLI):
        matchers = f"{sli.selector}, " if sli.selector else ""
        total = f"sum(rate({sli.metric}_count{{{sli.selector}}}[{window}]))"
        good = f'sum(rate({sli.metric}_bucket{{{matchers}le="{sli.le}"}}[{window}]))'
        return f"{total} - {good}", total
    return WINDOW_PLACEHOLDER.sub(window, sli.errors), WINDOW_PLACEHOLDER.sub(window, sli.total)


def sli_expr(slo: SLO, window: str) -> str:
    """The error ratio over one window. No traffic gives no sample (not NaN, which would poison the period
    average for a whole SLO window); traffic without any error series yet gives 0 (not no data)."""
    errors, total = sli_queries(slo, window)
    if not isinstance(slo.sli, BucketSLI):  # the bucket form's errors exist whenever its total does
        errors = f"({errors}) or (0 * ({total}))"
    return f"({errors})\n/\n(({total}) > 0)"


def _labels(slo: SLO, **extra: str) -> dict[str, str]:
    return {**slo.labels, **slo.id_labels, **extra}


def sli_rules(slo: SLO) -> tuple[RecordingRule, ...]:
    """One error-ratio rule per alert window, then the whole SLO window averaged from the 5m rule."""
    rules = [RecordingRule(slo.sli_record(w), sli_expr(slo, w), _labels(slo, sloth_window=w),
                           f"{slo.id}: error ratio over {w}") for w in SLI_WINDOWS]
    # The period is the mean of the 5m ratios (Sloth's sum_over_time / count_over_time): one cheap range over
    # a recorded series instead of a range over every raw series of the SLI.
    short = slo.sli_record(SLI_WINDOWS[0])
    rules.append(RecordingRule(slo.sli_record(slo.window), f"avg_over_time({short}{slo.selector}[{slo.window}])",
                               _labels(slo, sloth_window=slo.window),
                               f"{slo.id}: error ratio over the SLO window ({slo.window})"))
    return tuple(rules)


def _burn_rate(slo: SLO, window: str) -> str:
    return (f"{slo.sli_record(window)}{slo.selector}\n/ {ID_MATCHING} group_left\n"
            f"slo:error_budget:ratio{slo.selector}")


def metadata_rules(slo: SLO) -> tuple[RecordingRule, ...]:
    labels = _labels(slo)
    info = {**labels, "sloth_mode": "stackgen", "sloth_spec": "stackgen/v1",
            "sloth_objective": number(slo.objective)}
    return (
        RecordingRule("slo:objective:ratio", f"vector({number(slo.objective_ratio)})", labels,
                      f"{slo.id}: objective"),
        RecordingRule("slo:error_budget:ratio", f"vector({number(slo.error_budget)})", labels,
                      f"{slo.id}: error budget, the share of events allowed to fail"),
        RecordingRule("slo:time_period:days", f"vector({number(seconds(slo.window) / 86400)})", labels,
                      f"{slo.id}: SLO window in days"),
        RecordingRule("slo:current_burn_rate:ratio", _burn_rate(slo, SLI_WINDOWS[0]), labels,
                      f"{slo.id}: burn rate over the last 5m"),
        RecordingRule("slo:period_burn_rate:ratio", _burn_rate(slo, slo.window), labels,
                      f"{slo.id}: burn rate over the SLO window"),
        RecordingRule("slo:period_error_budget_remaining:ratio", f"1 - slo:period_burn_rate:ratio{slo.selector}",
                      labels, f"{slo.id}: share of the error budget left in the SLO window"),
        RecordingRule("sloth_slo_info", "vector(1)", info, f"{slo.id}: SLO metadata"),
    )


def threshold(slo: SLO, window: BurnWindow) -> str:
    return f"({number(window.factor(slo.window))} * {number(slo.error_budget)})"


def _over(slo: SLO, window: str, bound: str) -> str:
    return f"({slo.sli_record(window)}{slo.selector} > {bound})"


def burn_expr(slo: SLO, windows: tuple[BurnWindow, BurnWindow]) -> str:
    """Fires while either pair burns too fast: long window over its factor and short window too."""
    pairs = []
    for w in windows:
        bound = threshold(slo, w)
        pairs.append(f"(\n    {_over(slo, w.short, bound)}\n    and ignoring ({WINDOW_LABEL})\n"
                     f"    {_over(slo, w.long, bound)}\n)")
    return f"\nor ignoring ({WINDOW_LABEL})\n".join(pairs)


def exhausted_in(slo: SLO, window: BurnWindow) -> str:
    """How long the whole budget lasts at the window's burn rate: '2.1d', '5h'."""
    hours = seconds(slo.window) / window.factor(slo.window) / 3600
    return f"{number(round(hours, 1))}h" if hours < 48 else f"{number(round(hours / 24, 1))}d"


def _explain(slo: SLO, windows: tuple[BurnWindow, BurnWindow]) -> str:
    parts = [f"{number(w.factor(slo.window))}x over {w.long} (and still over the last {w.short}), which spends "
             f"{number(w.budget_percent)}% of the budget in {w.long} and all of it in {exhausted_in(slo, w)}"
             for w in windows]
    return (f"The {slo.name} SLO of {slo.service} promises {number(slo.objective)}% good events over {slo.window}. "
            f"Its error budget is burning at least " + ", or ".join(parts) + ".")


def _alert(slo: SLO, kind: str, windows: tuple[BurnWindow, BurnWindow]) -> Alert:
    page = kind == "page"
    expr = burn_expr(slo, windows)
    steps = (("Open the SLO dashboard: which window burns, since when", "Find the failing requests (status, route, "
              "instance) in the service's dashboards and logs", "Roll back or mitigate first, then find the cause")
             if page else ("Open the SLO dashboard and see how much budget is left",
                           "Plan the fix before the budget runs out; page if the burn speeds up"))
    return Alert(
        name=slo.page_name if page else slo.ticket_name, group=ALERT_GROUP, expr=expr, source_expr=expr,
        severity=slo.alerting.page_severity if page else slo.alerting.ticket_severity,
        summary=f"{slo.service} {slo.name}: error budget burning too fast ({kind})",
        description=_explain(slo, windows), service=slo.service,
        labels={**(slo.alerting.page_labels if page else slo.alerting.ticket_labels), SEVERITY_LABEL: kind},
        runbook=Runbook(meaning=_explain(slo, windows),
                        causes=("A deploy or config change", "A failing dependency", "More traffic than capacity"),
                        steps=steps),
    )


def slo_alerts(slo: SLO) -> tuple[Alert, Alert]:
    """The page and ticket alerts (without test cases)."""
    return _alert(slo, "page", PAGE_WINDOWS), _alert(slo, "ticket", TICKET_WINDOWS)
