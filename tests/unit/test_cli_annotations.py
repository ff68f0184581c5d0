"""The CLI's command functions carry their annotations as objects, so typer needs not evaluate strings each run."""

from __future__ import annotations

import typing

import pytest
import typer.main

from stackgen.cli.app import app, import_app


def _callbacks() -> list[typing.Callable[..., typing.Any]]:
    commands = [*app.registered_commands, *import_app.registered_commands]
    return [c.callback for c in commands if c.callback is not None]


@pytest.mark.parametrize("callback", _callbacks(), ids=lambda c: c.__name__)
def test_every_command_function_has_its_annotations_evaluated(callback: typing.Callable[..., typing.Any]) -> None:
    annotations = callback.__annotations__
    assert annotations, f"{callback.__name__} has no annotations"
    assert not [name for name, value in annotations.items() if isinstance(value, str)]


def test_the_whole_command_tree_builds() -> None:
    assert set(typer.main.get_command(app).commands) >= {"validate", "generate", "import"}  # type: ignore[attr-defined]
