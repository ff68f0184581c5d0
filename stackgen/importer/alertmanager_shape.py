"""The shape of an Alertmanager config, checked before it is mapped: each value the import reads has its type.

Alertmanager refuses a config whose `routes:` is a number or whose receiver is a list; so does the import,
at the value's own file and line, instead of failing on it part-way through the mapping. Only types are
checked here: what a value means (a matcher, a duration) is checked by the spec's own checks afterwards.
"""

from __future__ import annotations

from typing import Any, Union

from stackgen.errors import SpecIssue
from stackgen.spec.yamlsource import Source


class Scalar:
    def __init__(self, types: tuple[type, ...], what: str) -> None:
        self.types, self.what = types, what

    def holds(self, value: Any) -> bool:
        return isinstance(value, self.types) and (bool in self.types or not isinstance(value, bool))


class ListOf:
    def __init__(self, item: Shape) -> None:
        self.item = item


class MapOf:
    def __init__(self, value: Shape) -> None:
        self.value = value


Shape = Union[Scalar, ListOf, MapOf, dict]  # a dict: a mapping whose keys have these shapes (others are not read)
TEXT = Scalar((str, int, float), "text")  # YAML reads `receiver: 5` as a number; Alertmanager takes it as text
BOOL = Scalar((bool,), "true or false")
TEXTS, LABELS = ListOf(TEXT), MapOf(TEXT)
ROUTE: dict[str, Shape] = {
    "receiver": TEXT, "matchers": TEXTS, "match": LABELS, "match_re": LABELS, "continue": BOOL, "group_by": TEXTS,
    "group_wait": TEXT, "group_interval": TEXT, "repeat_interval": TEXT, "mute_time_intervals": TEXTS,
    "active_time_intervals": TEXTS,
}
ROUTE["routes"] = ListOf(ROUTE)
RECEIVER: dict[str, Shape] = {"name": TEXT, **{kind: ListOf({}) for kind in (
    "slack_configs", "email_configs", "pagerduty_configs", "webhook_configs")}}
INHIBIT: dict[str, Shape] = {f"{side}_{key}": shape for side in ("source", "target") for key, shape in (
    ("matchers", TEXTS), ("match", LABELS), ("match_re", LABELS))}
INHIBIT["equal"] = TEXTS
INTERVAL: dict[str, Shape] = {"name": TEXT, "time_intervals": ListOf({})}
CONFIG: dict[str, Shape] = {"global": {}, "route": ROUTE, "receivers": ListOf(RECEIVER),
                            "inhibit_rules": ListOf(INHIBIT), "time_intervals": ListOf(INTERVAL),
                            "mute_time_intervals": ListOf(INTERVAL)}


def _mismatch(value: Any, shape: Shape, item: bool) -> str | None:
    """What `value` should be, when it is not of `shape` at its top level. None (YAML's empty value) leaves a
    key unset, but an item of a list must be there."""
    if value is None and not item:
        return None
    if isinstance(shape, (dict, MapOf)):
        return None if isinstance(value, dict) else "a mapping (key: value)"
    if isinstance(shape, ListOf):
        return None if isinstance(value, list) else "a list (- item)"
    return None if shape.holds(value) else shape.what


def shape_issues(source: Source) -> list[SpecIssue]:
    """Every value of the config that is not of its shape, at its line."""
    return _issues(source, source.data, CONFIG, (), item=True)


def _issues(source: Source, value: Any, shape: Shape, path: tuple, item: bool = False) -> list[SpecIssue]:
    expected = _mismatch(value, shape, item)
    if expected:
        return [source.issue(path, f"expected {expected}, got {value!r}"[:200],
                             "Alertmanager refuses the file as it is")]
    issues: list[SpecIssue] = []
    if isinstance(shape, dict) and isinstance(value, dict):
        for key, inner in shape.items():
            if key in value:
                issues += _issues(source, value[key], inner, path + (key,))
    elif isinstance(shape, ListOf) and isinstance(value, list):
        for i, entry in enumerate(value):
            issues += _issues(source, entry, shape.item, path + (i,), item=True)
    elif isinstance(shape, MapOf) and isinstance(value, dict):
        for key, entry in value.items():
            issues += _issues(source, entry, shape.value, path + (key,))
    return issues
