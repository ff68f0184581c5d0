"""Model transforms for running a stack locally: faster clocks, other ports, no exporters.

They return a new `Spec` (dataclasses.replace), so every renderer sees one consistent model and the
rendered YAML is never edited after the fact.
"""

from __future__ import annotations

import re
from dataclasses import replace

from stackgen.errors import StackgenError
from stackgen.model import Alert, Panel, Route, Spec

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_PART = re.compile(r"([0-9]+)(ms|s|m|h|d|w|y)")
_DURATION = r"(?:[0-9]+(?:ms|s|m|h|d|w|y))+"
# What a faster clock changes in PromQL text: range and subquery windows ([5m], [30m:1m]), `offset` and
# `@`. String literals are matched first so that a "[5m]" inside a label value is left alone.
# Grafana's [$__rate_interval] is Grafana's.
_TIMED = re.compile(rf"""
    (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | \[(?P<range>{_DURATION})(?::(?P<step>{_DURATION})?)?\]
  | (?P<offset>\boffset\s+)(?P<sign>-?)(?P<shift>{_DURATION})
  | @\s*(?P<at>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
""", re.X)


class FastClockError(StackgenError):
    """An expression pins an absolute time, which a faster clock cannot scale."""


def seconds(duration: str) -> float:
    """A Prometheus duration in seconds: '1m30s' -> 90."""
    return sum(int(n) * _UNITS[u] for n, u in _PART.findall(duration))


def duration(secs: float) -> str:
    """Seconds as a Prometheus duration, whole seconds where possible: 90 -> '1m30s', 0.5 -> '500ms'."""
    if secs < 1:
        return f"{max(1, round(secs * 1000))}ms"
    secs = round(secs)
    out = ""
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        if secs >= size:
            out += f"{secs // size}{unit}"
            secs %= size
    return out


def scale(text: str | None, factor: float, floor: float) -> str | None:
    """Divide a duration by `factor`, never below `floor` seconds."""
    if text is None:
        return None
    return duration(max(floor, seconds(text) / factor))


def scale_windows(expr: str, factor: float, floor: float) -> str:
    """The expression on a clock `factor` times faster: range windows divided by `factor` (never below
    `floor` seconds), subquery steps in the same proportion as their window, `offset` divided by `factor`.
    An `@ <timestamp>` cannot be scaled: FastClockError."""

    def one(match: re.Match) -> str:
        if match.group("string") is not None:
            return match.group(0)
        if match.group("at") is not None:
            raise FastClockError(f"'@ {match.group('at')}' pins an absolute time, which --fast cannot scale")
        if match.group("shift") is not None:
            shift = duration(max(0.001, seconds(match.group("shift")) / factor))
            return f"{match.group('offset')}{match.group('sign')}{shift}"
        window = seconds(match.group("range"))
        scaled = max(floor, window / factor)
        if match.group("step") is None:
            return f"[{duration(scaled)}{':' if ':' in match.group(0) else ''}]"
        step = max(0.001, seconds(match.group("step")) * scaled / window)
        return f"[{duration(scaled)}:{duration(step)}]"

    return _TIMED.sub(one, expr)


def _route(route: Route, factor: float) -> Route:
    return replace(route, group_wait=scale(route.group_wait, factor, 1),
                   group_interval=scale(route.group_interval, factor, 1),
                   routes=tuple(_route(r, factor) for r in route.routes))


def _panel(panel: Panel, factor: float, window: float) -> Panel:
    return replace(panel, queries=tuple(replace(q, expr=scale_windows(q.expr, factor, window))
                                        for q in panel.queries))


def speed_up(spec: Spec, interval: str = "1s", factor: float = 30) -> Spec:
    """The same stack on a faster clock, for demos and live tests.

    Scrape and evaluation run every `interval`; `for`, range windows, `group_wait` and `group_interval`
    are divided by `factor`. `for` and Alertmanager timers never drop below 1 s, range windows never below
    five intervals (rate() needs at least two samples in its window).
    """
    window = 5 * seconds(interval)

    def alert(a: Alert) -> Alert:
        try:
            expr = scale_windows(a.expr, factor, window)
        except FastClockError as exc:
            raise FastClockError(f"alert {a.name} ({a.severity}): {exc} (drop the '@' modifier, or run without --fast)") \
                from None
        return replace(a, for_=scale(a.for_, factor, 1), keep_firing_for=scale(a.keep_firing_for, factor, 1), expr=expr)

    routing = spec.routing
    if routing is not None:
        routing = replace(routing, group_wait=scale(routing.group_wait, factor, 1) or routing.group_wait,
                          group_interval=scale(routing.group_interval, factor, 1) or routing.group_interval,
                          routes=tuple(_route(r, factor) for r in routing.routes))
    return replace(
        spec,
        settings=replace(spec.settings, scrape_interval=interval, evaluation_interval=interval,
                         scrape_timeout=None),
        services=tuple(replace(s, scrape_interval=None) for s in spec.services),
        recording_rules=tuple(replace(r, expr=scale_windows(r.expr, factor, window)) for r in spec.recording_rules),
        alert_groups=tuple(replace(g, interval=None, alerts=tuple(alert(a) for a in g.alerts))
                           for g in spec.alert_groups),
        recording_groups=tuple(replace(g, interval=None) for g in spec.recording_groups),
        routing=routing,
        dashboards=tuple(replace(d, rows=tuple(replace(r, panels=tuple(_panel(p, factor, window) for p in r.panels))
                                               for r in d.rows)) for d in spec.dashboards),
    )


def with_ports(spec: Spec, stack: dict[str, int] | None = None, services: dict[str, int] | None = None,
               exporters: dict[str, int] | None = None) -> Spec:
    """The spec with some ports moved (stack components, services and exporters by name)."""
    stack, services, exporters = stack or {}, services or {}, exporters or {}
    return replace(
        spec,
        stack=replace(spec.stack, ports={**spec.stack.ports, **stack}),
        services=tuple(replace(s, port=services.get(s.name, s.port)) for s in spec.services),
        exporters=tuple(replace(e, port=exporters.get(e.name, e.port)) for e in spec.exporters),
    )


def without_exporters(spec: Spec) -> Spec:
    """No exporter scrape jobs: for machines where the exporter binary is not installed."""
    return replace(spec, exporters=())
