"""Check a dashboard against Grafana's own dashboard schema, as the Grafana Foundation SDK carries it.

The SDK's models are generated from Grafana's schemas (the dashboard kind, each panel plugin's options and
field config, the Prometheus query). Two verdicts come from them, with no Grafana server:

- round trip: the SDK reads the JSON and writes it back; a field it does not write back is not in Grafana's
  schema (Grafana would migrate it away or ignore it), and a value that comes back changed was read otherwise;
- types: every value the SDK read must be of the type its schema declares (a string title, an integer grid
  position, an enum member), since the SDK's reader copies values without checking them.

What neither can vouch for: that a query returns data, that a panel looks right, or a field a panel plugin
reads without declaring it in its schema.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from functools import cache
from typing import Any

from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.cog.plugins import register_default_plugins
from grafana_foundation_sdk.models.dashboard import Dashboard

register_default_plugins()  # panel options and Prometheus queries are read by their own plugin's schema


def schema_problems(dashboard: dict) -> list[str]:
    """What Grafana's schema says is wrong with `dashboard`, one line each: empty when it conforms."""
    try:
        model = Dashboard.from_json(dashboard)
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        return [f"the SDK cannot read the dashboard: {type(error).__name__}: {error}"]
    written = json.loads(JSONEncoder().encode(model))
    return [*_lost(dashboard, written, "$"), *_mistyped(model, "$")]


def _lost(given: Any, written: Any, path: str) -> list[str]:
    """Every field of `given` that the SDK did not write back as it was (fields it adds are its defaults)."""
    if isinstance(given, dict) and isinstance(written, dict):
        return [problem for key, value in given.items()
                for problem in (_lost(value, written[key], f"{path}.{key}") if key in written
                                else [f"{path}.{key}: not in Grafana's schema (dropped)"])]
    if isinstance(given, list) and isinstance(written, list) and len(given) == len(written):
        return [problem for i, (a, b) in enumerate(zip(given, written)) for problem in _lost(a, b, f"{path}[{i}]")]
    if given != written or (type(given) is not type(written) and not _same_number(given, written)):
        return [f"{path}: written back as {json.dumps(written)[:80]} (given {json.dumps(given)[:80]})"]
    return []


def _same_number(a: Any, b: Any) -> bool:
    return all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b)) and a == b


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _is_model(value: Any) -> bool:
    return hasattr(value, "to_json") and type(value).__module__.startswith("grafana_foundation_sdk.")


def _mistyped(model: Any, path: str) -> list[str]:
    """Every attribute of an SDK model whose value is not of the type the schema declares."""
    problems = []
    for name, hint in _hints(type(model)).items():
        if name in vars(model):
            problems.extend(_check(getattr(model, name), hint, f"{path}.{name}"))
    return problems


def _check(value: Any, hint: Any, path: str) -> list[str]:
    if isinstance(value, dict) and _model_class(hint):
        return _as_model(value, _model_class(hint), path)  # type: ignore[arg-type]
    if _is_model(value):
        return _mistyped(value, path) if _accepts(value, hint) else [f"{path}: {_name(value)} is not {_name(hint)}"]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        fits = [h for h in options if _accepts(value, h)]
        return _check(value, fits[0], path) if fits else [f"{path}: {json.dumps(value)[:60]} is not {_name(hint)}"]
    if origin is list and isinstance(value, list):
        (item,) = typing.get_args(hint)
        return [p for i, v in enumerate(value) for p in _check(v, item, f"{path}[{i}]")]
    if origin is dict and isinstance(value, dict):
        _, item = typing.get_args(hint)
        return [p for k, v in value.items() for p in _check(v, item, f"{path}.{k}")]
    return [] if _accepts(value, hint) else [f"{path}: {json.dumps(value, default=str)[:60]} is not {_name(hint)}"]


def _model_class(hint: Any) -> type | None:
    """The SDK model a hint names (alone or in an Optional), if any."""
    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    models = [h for h in options if isinstance(h, type) and hasattr(h, "from_json") and h.__module__.startswith(
        "grafana_foundation_sdk.")]
    return models[0] if len(models) == 1 else None


def _as_model(value: dict, cls: type, path: str) -> list[str]:
    """A part the SDK's reader kept as a plain dict (transformations, links): read it with its own model."""
    try:
        model = cls.from_json(value)  # type: ignore[attr-defined]
    except (TypeError, KeyError, AttributeError, ValueError) as error:
        return [f"{path}: not a {cls.__name__}: {type(error).__name__}: {error}"]
    return [*_lost(value, json.loads(JSONEncoder().encode(model)), path), *_mistyped(model, path)]


def _accepts(value: Any, hint: Any) -> bool:
    """Whether `value` has the shape of `hint` at its top level (items are checked by `_check`)."""
    origin = typing.get_origin(hint)
    if hint is typing.Any or hint is object:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_accepts(value, h) for h in typing.get_args(hint))
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin in (list, dict):
        return isinstance(value, origin)
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint in (int, float):
        return isinstance(value, int if hint is int else (int, float)) and not isinstance(value, bool)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return isinstance(value, hint) or (value in {m.value for m in hint} and not isinstance(value, bool))
    return isinstance(hint, type) and isinstance(value, hint)


def _name(thing: Any) -> str:
    return thing.__name__ if isinstance(thing, type) else str(thing).replace("typing.", "")
