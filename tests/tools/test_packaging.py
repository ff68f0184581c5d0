"""A plain (non-editable) install carries everything the CLI reads at run time, and works from an empty folder:
the compose stack it renders names only paths that exist there, the demo service's image definition included."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, require_tool

COMPOSE_FILE = "docker-compose.monitoring.yml"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    # Build from a copy of the sources: setuptools reuses a build/ folder left in the checkout, whose stale
    # modules (since renamed or deleted) would end up in the wheel and hide a missing package-data entry.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "stackgen", source / "stackgen", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), str(source)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (built,) = folder.glob("stackgen-*.whl")
    return built


def test_the_wheel_ships_every_module_the_default_spec_and_the_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "stackgen/specs/patronus.yaml" in names
    templates = sorted(n for n in names if n.startswith("stackgen/templates/") and n.endswith(".j2"))
    on_disk = sorted(f"stackgen/templates/{p.name}" for p in (ROOT / "stackgen" / "templates").glob("*.j2"))
    assert templates == on_disk
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "stackgen").rglob("*.py"))
    assert sorted(n for n in names if n.endswith(".py")) == modules


def _bind_sources(compose: dict) -> list[str]:
    """Every host path a service bind-mounts (short and long syntax); named volumes are not paths."""
    sources = []
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            source = volume["source"] if isinstance(volume, dict) else volume.split(":")[0]
            if source.startswith((".", "/")):
                sources.append(source)
    return sources


def test_init_then_generate_from_an_empty_folder_with_the_wheel_renders_a_stack_whose_mounts_exist(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir)  # without a pip of its own (ensurepip takes seconds): this pip installs into it
    bin_dir = env_dir / "bin"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install", "-q",
                              str(wheel)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    project = tmp_path / "empty"
    project.mkdir()
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    for args in (["init"], ["generate", "stackgen.yaml"]):
        run = subprocess.run([str(bin_dir / "stackgen"), *args], cwd=project, env=env, capture_output=True, text=True,
                             timeout=120)
        assert run.returncode == 0, f"stackgen {' '.join(args)}: {run.stderr}"
    compose = yaml.safe_load((project / COMPOSE_FILE).read_text())
    sources = _bind_sources(compose)
    assert "./stackgen.yaml" in sources  # the demo service serves the user's spec, not the example
    missing = [s for s in sources if not (project / s).exists()]
    assert missing == [], f"the compose file mounts paths that do not exist: {missing}"
    contexts = [s["build"]["context"] for s in compose["services"].values() if "build" in s]
    assert contexts == ["./generated/service"]  # the demo service, built from what generate wrote
    assert (project / contexts[0] / "Dockerfile").is_file()
    config = subprocess.run([require_tool("docker-compose"), "-f", COMPOSE_FILE, "config", "-q"], cwd=project,
                            env=env, capture_output=True, text=True,
                            timeout=60)
    assert config.returncode == 0, config.stderr
