"""Shared test helpers: the example specs, the CLI runner and the real tools; the lanes' markers by folder.

tests/unit/ runs in-process or through the stackgen command; tests/tools/ checks output with real tools;
tests/e2e/ runs a live stack. The fast lane is `pytest -m "not e2e"`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
import yaml
from support.cli import cli_runner

# Cache bytecode even where PYTHONDONTWRITEBYTECODE is set: every run, each worker would otherwise rewrite the
# asserts of every test module (hypothesis' too) and compile stackgen again, and so would every stackgen
# subprocess. Set before stackgen is imported below, so its cache is written here for those subprocesses to read.
sys.dont_write_bytecode = False

from stackgen.cli.app import app  # noqa: E402 (after the bytecode setting above)
from stackgen.cli.init import render_starter_spec  # noqa: E402
from stackgen.spec.environments import base_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# The embedded default (the package's own file, not a copy) and every example in specs/; an environment's overlay
# there (taskq.production.yaml beside taskq.yaml) is part of its spec, not a spec of its own.
EMBEDDED_SPEC = ROOT / "stackgen" / "specs" / "patronus.yaml"
SPECS = [EMBEDDED_SPEC, *sorted(p for p in (ROOT / "specs").glob("*.yaml") if base_of(p) is None)]
LANE_MARKERS = {"tools": pytest.mark.tools, "e2e": pytest.mark.e2e}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with its folder's lane, so `-m "not e2e"` and `-m tools` select by kind."""
    for item in items:
        parts = item.path.relative_to(ROOT).parts
        lane = parts[1] if parts[0] == "tests" else ""  # examples/ carry their own tests, in no lane
        if lane in LANE_MARKERS:
            item.add_marker(LANE_MARKERS[lane])


def require_tool(name: str) -> str:
    """The path of a real tool. Missing tools fail the test: checks by real tools never quietly skip."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed; run `bash scripts/setup.sh` (Debian packages prometheus, "
                    "prometheus-alertmanager, docker-compose)")
    return path


@pytest.fixture
def cli():
    return cli_runner(app)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a failed run changed nothing."""
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def starter_spec_without_tests(folder: Path, alert: str) -> Path:
    """`stackgen init`'s spec (system shop, service app on 8000) with one alert's unit tests removed, so its
    fault must be read from its expression."""
    doc = yaml.safe_load(render_starter_spec("shop", "app", 8000))
    for rule in (a for g in doc["alert_groups"] for a in g["alerts"] if a["name"] == alert):
        del rule["tests"]
    path = folder / "stackgen.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path
