"""Every target by name: adding one is a module in this package plus a line here."""

from __future__ import annotations

from stackgen.errors import UsageError
from stackgen.targets.base import Target
from stackgen.targets.compose import COMPOSE
from stackgen.targets.kubernetes import KUBERNETES
from stackgen.targets.local import LOCAL

__all__ = ["COMPOSE", "LOCAL", "TARGETS", "get_target"]

TARGETS: dict[str, Target] = {t.name: t for t in (COMPOSE, LOCAL, KUBERNETES)}


def get_target(name: str) -> Target:
    """The target called `name`, or a UsageError listing the ones there are."""
    try:
        return TARGETS[name]
    except KeyError:
        raise UsageError(f"unknown target '{name}': choose one of {', '.join(TARGETS)}") from None
