"""Label values that a PromQL selector's matchers keep: for writing series a selector selects.

SLO unit tests write the series their SLI's selectors read; the demo service's faults drive the series an
alert's selectors read. Both need a value for `status=~"5.."` when nothing named one: the matcher's own
words make one ("5.." -> "500"), else a common value that happens to match.
"""

from __future__ import annotations

import re

import promql_parser as pp

_GENERIC_VALUES = ("", "500", "200", "error", "ok", "true", "false", "x")

Matcher = tuple[str, str, str]  # label, op (Equal, NotEqual, Re, NotRe), value


def satisfies(value: str, op: str, pattern: str) -> bool:
    """Whether a label value passes one matcher, as Prometheus decides (its regexes are anchored)."""
    if op in ("Equal", "NotEqual"):
        return (value == pattern) == (op == "Equal")
    try:
        matched = re.fullmatch(pattern, value) is not None
    except re.error:
        matched = False
    return matched == (op == "Re")


def candidates(matchers: list[Matcher]) -> list[str]:
    """Values worth trying for one label: the matchers' own words ("5.." -> "500"), then common values."""
    out: list[str] = []
    for _, _, pattern in matchers:
        for part in [pattern, *pattern.strip("()^$").split("|")]:
            out += [re.sub(r"\[[^\]]*\]|\.", "0", part), part]
    return [*out, *_GENERIC_VALUES]


def selector_matchers(node: pp.VectorSelector) -> list[Matcher]:
    """A selector's matchers as (label, op, value), `__name__` included."""
    return [(m.name, str(m.op).rsplit(".", 1)[-1], m.value) for m in node.matchers.matchers]
