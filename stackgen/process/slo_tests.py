"""Alert test cases for every SLO: steady error rates at known burn multiples, as promtool input series.

The SLI's own queries say which series to write: the one selector of `errors` and of `total` (or the
histogram of a bucket SLI) gets counters whose labels satisfy its matchers, so the generated rules are tested
end to end, from raw counters through the recording rules to the alert. Multiples are stated for 30d and
scaled with the SLO window like the factors are, so each case sits between the same two thresholds.
"""

from __future__ import annotations

import functools

import promql_parser as pp

from stackgen import promql
from stackgen.model import AlertTest
from stackgen.process.fast import seconds
from stackgen.process.matcher_values import Matcher, candidates, satisfies, selector_matchers
from stackgen.process.slo_model import (
    PAGE_WINDOWS,
    SLO,
    TICKET_WINDOWS,
    WINDOW_LABEL,
    BucketSLI,
    number,
)
from stackgen.process.slo_rules import sli_queries

EVENTS_PER_MINUTE = 1000
SAMPLE_INTERVAL = "1m"  # the cases' counters step once a minute; promtool evaluates the SLO cases as often
PAGE_MULTIPLE = 15  # over 14.4 (page, 1h) at 30d
TICKET_MULTIPLE = 2  # over 1 (ticket, 3d), under 3 (ticket, 1d) and 6 (page, 6h) at 30d


class SLITestError(ValueError):
    """The SLI's queries do not say which series to write (more than one selector, contradictory matchers)."""


def _selector(query: str) -> tuple[str, list[Matcher]]:
    """The metric name and the other matchers of the one series selector in `query`."""
    name, matchers = _selector_of(query)
    return name, list(matchers)


@functools.lru_cache(maxsize=1024)
def _selector_of(query: str) -> tuple[str, tuple[Matcher, ...]]:
    # An SLO's cases ask for the same few queries again and again (each case, each window): parsed once each.
    found: list[pp.VectorSelector] = []

    def visit(node: pp.Expr) -> bool:
        if isinstance(node, pp.VectorSelector):
            found.append(node)
        return True

    pp.walk(promql.parse(query), visit)
    if len(found) != 1:
        raise SLITestError(f"'{query}' selects {len(found)} series selectors, not one")
    node = found[0]
    matchers = selector_matchers(node)
    name = node.name or next((v for n, op, v in matchers if n == "__name__" and op == "Equal"), "")
    if not name:
        raise SLITestError(f"'{query}' selects no metric by name")
    return name, tuple(m for m in matchers if m[0] != "__name__")


def _labels(required: list[Matcher], excluded: list[Matcher] | None = None) -> dict[str, str]:
    """Label values that satisfy every `required` matcher and, when `excluded` is given, fail one of those."""
    excluded = excluded or []
    names = sorted({m[0] for m in [*required, *excluded]})

    def pick(name: str, avoid: list[Matcher]) -> str | None:
        own = [m for m in required if m[0] == name]
        return next((v for v in candidates(own + avoid) if all(satisfies(v, op, p) for _, op, p in own)
                     and not (avoid and all(satisfies(v, op, p) for _, op, p in avoid))), None)

    labels = {}
    for name in names:
        value = pick(name, [])
        if value is None:
            raise SLITestError(f"no value of label '{name}' satisfies {_show(required, name)}")
        labels[name] = value
    if excluded:
        for name in sorted({m[0] for m in excluded}):
            value = pick(name, [m for m in excluded if m[0] == name])
            if value is not None:
                labels[name] = value
                break
        else:
            raise SLITestError("no good series can satisfy `total` and fail `errors`")
    return {k: v for k, v in labels.items() if v}  # an empty value is an absent label


def _show(matchers: list[Matcher], name: str) -> str:
    ops = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}
    return ", ".join(f'{n}{ops[op]}"{v}"' for n, op, v in matchers if n == name)


def _series(name: str, labels: dict[str, str], per_minute: float, minutes: int) -> tuple[str, str]:
    body = ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return f"{name}{{{body}}}", f"0+{number(per_minute)}x{minutes}"


def input_series(slo: SLO, error_ratio: float, minutes: int) -> tuple[tuple[str, str], ...]:
    """Counters that give the SLI `error_ratio` at EVENTS_PER_MINUTE, for `minutes` minutes."""
    errors, total = EVENTS_PER_MINUTE * error_ratio, EVENTS_PER_MINUTE
    sli = slo.sli
    if isinstance(sli, BucketSLI):
        labels = _labels(_selector(f"{sli.metric}_count{{{sli.selector}}}")[1])
        return (_series(f"{sli.metric}_bucket", {**labels, "le": sli.le}, total - errors, minutes),
                _series(f"{sli.metric}_bucket", {**labels, "le": "+Inf"}, total, minutes),
                _series(f"{sli.metric}_count", labels, total, minutes))
    error_query, total_query = sli_queries(slo, "5m")
    (e_name, e_matchers), (t_name, t_matchers) = _selector(error_query), _selector(total_query)
    if e_name != t_name:  # errors counted apart from the total (http_errors_total / http_requests_total)
        return (_series(e_name, _labels(e_matchers), errors, minutes),
                _series(t_name, _labels(t_matchers), total, minutes))
    bad = _labels([*e_matchers, *t_matchers])
    good = _labels(t_matchers, e_matchers)
    return _series(e_name, bad, errors, minutes), _series(t_name, good, total - errors, minutes)


def _case(slo: SLO, name: str, multiple: float, at: str, fires: bool, window: str) -> AlertTest | None:
    ratio = multiple * slo.error_budget
    if ratio > 1:  # a low objective cannot burn this fast: more than every event failing
        return None
    labels = {**slo.labels, **slo.id_labels, WINDOW_LABEL: window} if fires else {}
    return AlertTest(name=name, series=input_series(slo, ratio, int(seconds(at) // 60) + 1), at=at, fires=fires,
                     labels=labels, interval=SAMPLE_INTERVAL)


def alert_tests(slo: SLO) -> tuple[tuple[AlertTest, ...], tuple[AlertTest, ...]]:
    """(page cases, ticket cases): a fast burn pages by the short window's end, a slow burn only tickets,
    no errors fire nothing.

    Each case is a steady rate from the first sample, so every window, 5m to 3d alike, reads the steady ratio
    as soon as it holds a few samples: at the end of the shortest window (5m) every page and ticket pair sees
    the ratio it would see after 3d, so a threshold that is wrong either way changes the verdict there. promtool
    works in proportion to a case's evaluation steps: 5m is a sixth of the 30m once used, a 72nd of 6h."""
    fast, slow = PAGE_MULTIPLE * slo.factor_scale(), TICKET_MULTIPLE * slo.factor_scale()
    at = PAGE_WINDOWS[0].short
    ticket_window = TICKET_WINDOWS[1].short  # the slow ticket pair fires; its short window names the alert
    page = (
        _case(slo, f"a steady {fast:.3g}x budget burn pages within {at}", fast, at, True, at),
        _case(slo, f"a steady {slow:.3g}x budget burn does not page", slow, at, False, ""),
        _case(slo, "no errors do not page", 0, at, False, ""),
    )
    ticket = (
        _case(slo, f"a steady {slow:.3g}x budget burn opens a ticket within {at}", slow, at, True, ticket_window),
        _case(slo, "no errors open no ticket", 0, at, False, ""),
    )
    return tuple(c for c in page if c), tuple(c for c in ticket if c)
