"""How a count reads in a message: one place, so every command says '1 alert' and '2 alerts' alike."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """'1 dashboard', '2 dashboards': a count and a noun that agrees with it (nouns here take an s)."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def with_environment(name: str, env: str | None) -> str:
    """`taskq.yaml (environment staging)`: what a command ran on, when an overlay was merged onto the spec."""
    return f"{name} (environment {env})" if env else name
