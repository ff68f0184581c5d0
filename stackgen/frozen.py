"""The base of stackgen's frozen dataclasses: their methods written once instead of generated per class.

`@dataclass(frozen=True)` compiles each method it generates, in every process: for the model's ~30 classes that
was ~13 ms of each command's start, more than half of it for `__setattr__` and `__delattr__` alone. A class
that derives from `Frozen` is made a dataclass when it is defined (no decorator) and behaves as one declared
`@dataclass(frozen=True)`: its fields, defaults and `dataclasses.fields`/`replace` as a dataclass has them;
equal to an instance of its own class with equal fields, hashed as the tuple of its fields, shown as
`Name(field=value, ...)`, and refusing every assignment with `FrozenInstanceError`. Only its `__init__` is
compiled for it; it stores the fields straight into the instance's `__dict__`, where the generated one called
`object.__setattr__` once per field.
"""

from __future__ import annotations

import operator
import reprlib
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError, dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:  # only type checkers read it
        return lambda cls: cls

_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


class _Factory:
    """The default of a parameter whose field has a default_factory, shown as dataclasses show it."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()
_RESERVED = frozenset({"self", "_vars", "_FACTORY"})  # names the generated __init__ uses itself


def _values_of(cls: type) -> Callable[[Any], tuple[Any, ...]]:
    """The tuple of a class's compared fields, as the generated methods build it."""
    found = _VALUES.get(cls)
    if found is None:
        names = tuple(f.name for f in fields(cls) if f.compare)
        if len(names) == 1:
            found = lambda obj: (getattr(obj, names[0]),)  # noqa: E731
        else:
            found = operator.attrgetter(*names) if names else lambda obj: ()
        _VALUES[cls] = found
    return found


def _init_of(cls: type) -> Callable[..., None]:
    """The `__init__` `@dataclass(frozen=True)` would generate for `cls`: the same parameters, defaults and
    default factories, keyword-only fields after a `*`, then `__post_init__` if the class has one."""
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for f in fields(cls):
        if f.name in _RESERVED or not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: a Frozen field must be an __init__ parameter not named "
                            f"{', '.join(sorted(_RESERVED))}")
        value = f.name
        if f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            parameter = f"{f.name}=_default_{f.name}"
        elif f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            parameter = f"{f.name}=_FACTORY"
            value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        else:
            parameter = f.name
        (keyword if f.kw_only else positional).append(parameter)
        body.append(f"    _vars[{f.name!r}] = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    parameters = ", ".join(["self", *positional, *(["*", *keyword] if keyword else [])])
    exec(f"def __init__({parameters}):\n    _vars = self.__dict__\n" + "\n".join(body), namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = {**{f.name: f.type for f in fields(cls)}, "return": None}
    return init


@dataclass_transform(frozen_default=True, field_specifiers=(field, Field))
class Frozen:
    """The base of a frozen dataclass: see the module's docstring."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]  # set on each subclass, as on any dataclass

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        doc = cls.__doc__
        cls.__doc__ = doc or cls.__name__  # else dataclass writes its signature there, 50 us a class, never read
        dataclass(init=False, repr=False, eq=False)(cls)  # fields, match_args; nothing compiled
        cls.__doc__ = doc
        cls.__init__ = _init_of(cls)  # type: ignore[method-assign]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            values = _values_of(self.__class__)
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_values_of(self.__class__)(self))

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{self.__class__.__qualname__}({shown})"
