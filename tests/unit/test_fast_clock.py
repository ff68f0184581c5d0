"""`--fast` scales every time in an expression the same way: windows, subquery steps, offsets."""

from __future__ import annotations

from dataclasses import replace

import pytest

from stackgen import promql
from stackgen.process.fast import FastClockError, scale_windows, speed_up
from stackgen.spec.loader import load_spec

SCALED = [  # (what it shows, expression, at factor 30 with a 5 s floor)
    ("a subquery's step shrinks with its window", "max_over_time(x[30m:1m])", "max_over_time(x[1m:2s])"),
    ("a subquery at the floor keeps its window/step proportion", "max_over_time(x[1m:12s])",
     "max_over_time(x[5s:1s])"),
    ("a subquery with the default step keeps it default", "max_over_time(x[30m:])", "max_over_time(x[1m:])"),
    ("an offset is divided too", "x - x offset 1w", "x - x offset 5h36m"),
    ("a negative offset keeps its sign", "x offset -30m", "x offset -1m"),
    ("an offset on a range and a subquery", "rate(x[5m] offset 1h) + max_over_time(y[30m:1m] offset 30m)",
     "rate(x[10s] offset 2m) + max_over_time(y[1m:2s] offset 1m)"),
    ("a window written inside a string is text, not a window", 'x{path="[5m] offset 1h"}', 'x{path="[5m] offset 1h"}'),
    ("@ start() and @ end() need no scaling", "rate(x[5m] @ end()) + y @ start()",
     "rate(x[10s] @ end()) + y @ start()"),
]


@pytest.mark.parametrize("expr, fast", [c[1:] for c in SCALED], ids=[c[0] for c in SCALED])
def test_every_time_in_an_expression_is_scaled_consistently(expr, fast):
    assert scale_windows(expr, 30, 5) == fast
    promql.parse(fast)


def test_an_alert_pinned_to_an_absolute_time_refuses_fast_and_says_why():
    spec = load_spec()
    group = spec.alert_groups[0]
    pinned = replace(group.alerts[0], expr="up @ 1609746000 == 0")
    spec = replace(spec, alert_groups=(replace(group, alerts=(pinned,)),))
    with pytest.raises(FastClockError) as error:
        speed_up(spec)
    assert str(error.value) == (f"alert {pinned.name} ({pinned.severity}): '@ 1609746000' pins an absolute time, which "
                                "--fast cannot scale (drop the '@' modifier, or run without --fast)")
