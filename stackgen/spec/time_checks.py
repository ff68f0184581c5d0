"""Alertmanager time intervals, checked the way Alertmanager reads them, before amtool sees the file.

A period Alertmanager refuses sinks the whole config; one it misreads mutes the wrong hours. Each field is
checked here with Alertmanager's rules (HH:MM times with an exclusive 24:00 end, lowercase day and month
names, ranges written low:high, IANA zone names) and each route's interval names must resolve.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable

from stackgen.spec.checks import Checker, SpecPath, walk_routes
from stackgen.spec.suggest import did_you_mean
from stackgen.spec.v1.routing import TimePeriod

WEEKDAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
TIME = re.compile(r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
INTEGER = re.compile(r"^-?[0-9]+$")


class PeriodError(ValueError):
    """A value of a period that Alertmanager refuses; the message says why and the hint how to fix it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def _named(names: tuple[str, ...], what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if text in names:
            return names.index(text)
        if text.lower() in names:
            raise PeriodError(f"{what} '{text}' must be lowercase", f"write '{text.lower()}'")
        if what == "month" and INTEGER.match(text) and 1 <= int(text) <= 12:
            return int(text) - 1
        raise PeriodError(f"unknown {what} '{text}'", did_you_mean(text.lower(), names) or
                          f"write one of {', '.join(names)}")
    return parse


def _number(low: int, high: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not INTEGER.match(text) or not low <= int(text) <= high or int(text) == 0:
            raise PeriodError(f"'{text}' is not a {what}", f"write a whole number from {low} to {high}, not 0")
        return int(text)
    return parse


def _range(text: str, parse: Callable[[str], int], what: str) -> None:
    """`a` or `a:b` with a <= b; days of the month may count back from its end (-1 is the last day)."""
    start, _, end = text.partition(":")
    first, last = parse(start.strip()), parse(end.strip()) if end else None
    if last is not None and (first > 0) == (last > 0) and last < first:
        raise PeriodError(f"the range '{text}' ends before it starts", f"write {what} ranges low:high")


PARSERS: dict[str, tuple[Callable[[str], int], str]] = {
    "weekdays": (_named(WEEKDAYS, "weekday"), "weekday"),
    "days_of_month": (_number(-31, 31, "day of the month"), "day"),
    "months": (_named(MONTHS, "month"), "month"),
    "years": (_number(1, 9999, "year"), "year"),
}


def check_period(c: Checker, path: SpecPath, period: TimePeriod) -> None:
    for i, span in enumerate(period.times):
        for key in ("start_time", "end_time"):
            value = getattr(span, key)
            if not TIME.match(value):
                c.add(path + ("times", i, key), f"'{value}' is not a time of day",
                      "write HH:MM from 00:00 to 24:00, e.g. 09:30")
        if TIME.match(span.start_time) and TIME.match(span.end_time) and span.end_time <= span.start_time:
            c.add(path + ("times", i), f"the time range {span.start_time}-{span.end_time} ends before it starts",
                  "a range cannot cross midnight: split it into two, e.g. 22:00-24:00 and 00:00-06:00")
    for key, (parse, what) in PARSERS.items():
        for i, text in enumerate(getattr(period, key)):
            try:
                _range(text, parse, what)
            except PeriodError as exc:
                c.add(path + (key, i), str(exc), exc.hint)
    if period.location is not None and period.location != "Local":
        try:
            zoneinfo.ZoneInfo(period.location)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            c.add(path + ("location",), f"unknown time zone '{period.location}'",
                  did_you_mean(period.location, zoneinfo.available_timezones()) or
                  "write an IANA zone name, e.g. Europe/Berlin or UTC")


def check_time_intervals(c: Checker) -> None:
    routing = c.spec.routing
    if routing is None:
        return
    intervals = routing.time_intervals
    c.unique(((("routing", "time_intervals", i, "name"), t.name) for i, t in enumerate(intervals)), "time interval")
    for i, interval in enumerate(intervals):
        for j, period in enumerate(interval.time_intervals):
            check_period(c, ("routing", "time_intervals", i, "time_intervals", j), period)
    names = [t.name for t in intervals]
    for path, route in walk_routes(routing.routes, ("routing", "routes")):
        for key in ("mute_time_intervals", "active_time_intervals"):
            for j, name in enumerate(getattr(route, key)):
                c.reference(path + (key, j), name, names, "time interval", "routing.time_intervals")
