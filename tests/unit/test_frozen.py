"""The model's classes compare, hash and show themselves exactly as `@dataclass(frozen=True)` classes do.

They share `Frozen`'s methods instead of generating their own; each is held here to a genuine frozen dataclass
with the same fields, on every object of every example spec's model.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from conftest import SPECS

from stackgen import model, pipeline
from stackgen.frozen import Frozen
from stackgen.process import slo_model


def _objects(value: Any) -> list[Frozen]:
    if isinstance(value, Frozen):
        return [value, *(o for f in dataclasses.fields(value) for o in _objects(getattr(value, f.name)))]  # type: ignore[arg-type]
    if isinstance(value, (tuple, list)):
        return [o for item in value for o in _objects(item)]
    if isinstance(value, dict):
        return [o for item in value.values() for o in _objects(item)]
    return []


def _genuine(obj: Frozen) -> Any:
    """The same values in a class that `@dataclass(frozen=True)` made."""
    fields = dataclasses.fields(obj)  # type: ignore[arg-type]
    cls = dataclasses.make_dataclass(type(obj).__name__, [(f.name, f.type) for f in fields], frozen=True)
    cls.__qualname__ = type(obj).__qualname__
    return cls(**{f.name: getattr(obj, f.name) for f in fields})


def _hash(value: Any) -> int | None:
    try:
        return hash(value)
    except TypeError:  # a field holds a dict: unhashable, as the generated __hash__ makes it too
        return None


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_model_object_compares_hashes_and_shows_itself_as_a_frozen_dataclass(spec: Any) -> None:
    objects = _objects(pipeline.load([spec]).spec)
    kinds = {type(o) for o in objects}
    assert {model.Spec, model.Alert, model.Metric, model.Panel} <= kinds
    for obj in objects:
        genuine = _genuine(obj)
        assert repr(obj) == repr(genuine)
        assert _hash(obj) == _hash(genuine)
        copy = dataclasses.replace(obj)  # type: ignore[type-var]
        assert copy == obj and (copy != obj) is False and copy is not obj
        assert obj != genuine  # another class, although its fields are equal


def test_objects_with_one_different_field_differ_and_hash_as_their_fields() -> None:
    metric = model.Metric("a_total", "counter", "help")
    assert metric != dataclasses.replace(metric, help="other")
    assert hash(metric) == hash(("a_total", "counter", "help", (), None, "general", "", None, None))
    assert {metric, dataclasses.replace(metric)} == {metric}
    with pytest.raises(dataclasses.FrozenInstanceError):
        metric.name = "b"  # type: ignore[misc]
    assert slo_model.SLOAlerting() == slo_model.SLOAlerting()
