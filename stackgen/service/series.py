"""Reading the input series of a spec's alert unit tests: selectors and promtool's expanding notation.

A firing test says, in promtool's own terms, which series with which labels and values make an alert fire;
a quiet test says what healthy looks like. The service reads both: label values, healthy gauge levels and
the rates and levels a fault must drive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stackgen.frozen import Frozen
from stackgen.model import AlertTest
from stackgen.process.fast import seconds

_SELECTOR = re.compile(r"^\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{(.*)\})?\s*$", re.S)
_PAIR = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
_TERM = re.compile(r"^([-+]?[0-9.eE+]+?)(?:([-+])([0-9.eE+]+))?x([0-9]+)$")
MAX_VALUES = 100_000  # a week of samples one minute apart, ten times over; promtool makes every one
TARGET_LABELS = ("job", "instance")  # set by Prometheus when it scrapes, not by the service


class TestSeries(Frozen):
    name: str
    labels: dict[str, str]
    values: tuple[float | None, ...]  # one per test interval; None where promtool's input is missing

    def at(self, index: int) -> float | None:
        return self.values[min(index, len(self.values) - 1)] if self.values else None

    def increase_at(self, index: int) -> float:
        """How much the series grew over the interval that ends at `index` (0 when unknown)."""
        now, before = self.at(index), self.at(max(0, index - 1)) if index else None
        return (now - before) if now is not None and before is not None else 0.0


def parse_selector(text: str) -> tuple[str, dict[str, str]]:
    """`name{a="x", b="y"}` -> ("name", {"a": "x", "b": "y"}); ValueError when it is not of that form."""
    match = _SELECTOR.match(text)
    if not match:
        raise ValueError(f"not a series selector: {text!r}")
    body, labels = match.group(2) or "", {}
    position = 0
    while position < len(body.strip()):
        pair = _PAIR.match(body, position)
        if not pair:
            raise ValueError(f"cannot read the labels of {text!r}")
        labels[pair.group(1)] = bytes(pair.group(2), "utf-8").decode("unicode_escape")
        position = pair.end()
    return match.group(1), labels


def _terms(text: str) -> Iterator[tuple[float | None, float, int]]:
    """Each term of promtool's notation as (first value, None where missing; step; how many values)."""
    for term in text.split():
        if term in ("_", "stale"):
            yield None, 0.0, 1
        elif term.startswith("_x"):
            if not term[2:].isdigit():  # `_x-5`, `_x+5`: promtool reads whole counts only
                raise ValueError(f"not a count of missing values: {term!r}")
            yield None, 0.0, int(term[2:])
        elif (match := _TERM.match(term)) is None:
            yield float(term), 0.0, 1
        else:
            start, sign, step, times = match.groups()
            yield float(start), (float(step) if sign == "+" else -float(step)) if sign else 0.0, int(times) + 1


def count_values(text: str) -> int:
    """How many values `expand_values(text)` makes, without making them; ValueError for a term it cannot read."""
    return sum(count for _, _, count in _terms(text))


def expand_values(text: str) -> tuple[float | None, ...]:
    """promtool's notation: '1 1 0x3' -> (1, 1, 0, 0, 0, 0); '0+6x2' -> (0, 6, 12); '_' is a missing value."""
    out: list[float | None] = []
    for start, delta, count in _terms(text):
        out.extend([None] * count if start is None else (start + i * delta for i in range(count)))
    return tuple(out)


def test_series(test: AlertTest) -> list[TestSeries]:
    """Every input series of one test; series promtool would read but this reader cannot are skipped."""
    out = []
    for selector, values in test.series:
        try:
            name, labels = parse_selector(selector)
            out.append(TestSeries(name, labels, expand_values(values)))
        except ValueError:
            continue
    return out


def test_index(test: AlertTest) -> int:
    """The sample index the test evaluates at."""
    return int(seconds(test.at) // max(seconds(test.interval), 1e-9))
