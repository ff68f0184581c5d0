"""The model's classes compare, hash and show themselves exactly as `@dataclass(frozen=True)` classes do.

They share `Frozen`'s methods instead of generating their own; each is held here to a genuine frozen dataclass
with the same fields, on every object of every example spec's model.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest
from conftest import SPECS

from stackgen import locate, model, pipeline
from stackgen.frozen import Frozen
from stackgen.process import slo_model
from stackgen.render import grafana, stack  # noqa: F401  # every renderer's
from stackgen.spec import case_checks, checks  # noqa: F401  # the checks' and the alert tests' own classes
from stackgen.spec.v1.common import Format
from stackgen.targets import registry  # noqa: F401  # every target
from stackgen.targets.base import Placement
from stackgen.targets.compose import ComposeTarget


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


def _genuine_class(cls: type) -> Any:
    """`cls`'s fields, defaults and default factories declared again with `@dataclass(frozen=True)`."""
    declared = [(f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory,  # type: ignore[call-overload]
                                                   kw_only=f.kw_only)) for f in dataclasses.fields(cls)]
    return dataclasses.make_dataclass(cls.__name__, declared, frozen=True)


def _subclasses(cls: type) -> list[type]:
    return [c for sub in cls.__subclasses__() for c in (sub, *_subclasses(sub))]


# Every Frozen class validate and generate load: the model, the checks, targets and renderers.
FROZEN_CLASSES = sorted((c for c in _subclasses(Frozen) if c.__module__.startswith("stackgen.")),
                        key=lambda c: c.__qualname__)


def test_the_model_and_the_renderers_frozen_classes_are_all_checked_here() -> None:
    assert {model.Spec, slo_model.SLO, pipeline.Loaded, locate.Located, Format, Placement,
            ComposeTarget} <= set(FROZEN_CLASSES)


@pytest.mark.parametrize("cls", FROZEN_CLASSES, ids=lambda c: c.__qualname__)
def test_every_frozen_class_takes_the_arguments_a_frozen_dataclass_takes(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    # As text: each default factory's sentinel is its module's own object, and both show it as <factory>.
    assert str(inspect.signature(cls)) == str(inspect.signature(_genuine_class(cls)))
    assert cls.__match_args__ == _genuine_class(cls).__match_args__  # type: ignore[attr-defined]


def test_a_default_factory_gives_each_object_its_own_value_and_a_given_value_is_kept() -> None:
    first, second = model.Stack(), model.Stack()
    assert first.ports == {} and first.ports is not second.ports
    ports = {"prometheus": 9090}
    assert model.Stack(ports=ports).ports is ports
    assert model.Settings(kubernetes=None).kubernetes is None  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        model.Settings("15s", "15s", None, "15d", None, {}, None, None)  # type: ignore[misc]  # kubernetes is keyword-only


def test_a_frozen_object_refuses_to_set_or_delete_any_attribute() -> None:
    metric = model.Metric("a_total", "counter", "help")
    for name in ("name", "not_a_field"):
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{name}'"):
            setattr(metric, name, "b")
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{name}'"):
            delattr(metric, name)
    assert metric.name == "a_total"


def test_a_subclass_of_frozen_is_a_frozen_dataclass_with_post_init() -> None:
    class Pair(Frozen):
        left: int
        right: int = 2
        seen: list[int] = dataclasses.field(default_factory=list, compare=False)

        def __post_init__(self) -> None:
            self.seen.append(self.left)

    assert Pair(1) == Pair(1, 2) != Pair(1, 3)
    assert Pair(1).seen == [1]
    assert repr(Pair(1, right=5)).endswith(".<locals>.Pair(left=1, right=5, seen=[1])")


def test_a_field_the_generated_init_cannot_take_is_refused_when_the_class_is_defined() -> None:
    with pytest.raises(TypeError, match="must be an __init__ parameter"):
        class Computed(Frozen):
            total: int = dataclasses.field(init=False, default=0)
