"""The repository's own .pre-commit-config.yaml: pre-commit accepts it, and every hook runs something that exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from conftest import ROOT

CONFIG = ROOT / ".pre-commit-config.yaml"
BIN = Path(sys.executable).parent
HOOKS = [hook for repo in yaml.safe_load(CONFIG.read_text())["repos"] for hook in repo["hooks"]]


def test_pre_commit_accepts_the_config():
    result = subprocess.run([str(BIN / "pre-commit"), "validate-config", str(CONFIG)], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_hook_runs_a_command_of_the_project_virtualenv():
    commands = {hook["id"]: hook["entry"].split()[0] for hook in HOOKS}
    assert commands == {"ruff": ".venv/bin/ruff", "mypy": ".venv/bin/mypy",
                        "stackgen-generate-check": ".venv/bin/stackgen"}
    missing = [name for name in commands.values() if not (BIN / Path(name).name).is_file()]
    assert not missing, f"not installed by `pip install -e '.[test]'`: {missing}"


def test_the_generate_check_hook_runs_the_command_stackgen_offers_its_users():
    offered = {hook["id"]: hook["entry"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    ours = next(hook for hook in HOOKS if hook["id"] == "stackgen-generate-check")
    assert ours["entry"] == f".venv/bin/{offered['stackgen-generate-check']}"
