"""Shared test helpers: the example specs, the CLI runner and the real tools."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stackgen.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def require_tool(name: str) -> str:
    """The path of a real tool. Missing tools fail the test: checks by real tools never quietly skip."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; run `bash scripts/setup.sh` (Debian packages prometheus, "
                    "prometheus-alertmanager, docker-compose)")
    return path


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return invoke


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a failed run changed nothing."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
