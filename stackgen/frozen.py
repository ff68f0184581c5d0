"""Equality, hash and repr for the frozen dataclasses of the model, written once instead of generated per class.

`dataclass` compiles each method it generates, in every process: for the model's ~30 classes the equality, hash
and repr methods alone took ~8 ms of each command's start. A class declared `@dataclass(frozen=True, eq=False,
repr=False)` on `Frozen` behaves as `@dataclass(frozen=True)` does: equal to an instance of its own class with
equal fields, hashed as the tuple of its fields, shown as `Name(field=value, ...)`.
"""

from __future__ import annotations

import operator
import reprlib
from collections.abc import Callable
from dataclasses import fields
from typing import Any

_VALUES: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


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


class Frozen:
    """The base of a frozen model dataclass: see the module's docstring."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            values = _values_of(self.__class__)
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(_values_of(self.__class__)(self))

    @reprlib.recursive_repr()
    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)  # type: ignore[arg-type]
        return f"{self.__class__.__qualname__}({shown})"
