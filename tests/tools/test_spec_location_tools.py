"""`stackgen test` with no SPEC runs the alert and routing cases of the spec pyproject.toml names (real promtool
and amtool), not the built-in example's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, require_tool

STACKGEN = str(Path(sys.executable).parent / "stackgen")


def test_stackgen_test_without_an_argument_runs_the_cases_of_the_spec_named_in_pyproject(tmp_path):
    require_tool("promtool")
    require_tool("amtool")
    (tmp_path / "monitoring").mkdir()
    shutil.copy(ROOT / "specs" / "taskq.yaml", tmp_path / "monitoring" / "taskq.yaml")  # a spec with cases
    (tmp_path / "pyproject.toml").write_text('[tool.stackgen]\nspec = "monitoring/taskq.yaml"\n')
    result = subprocess.run([STACKGEN, "test"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "taskq.yaml: " in result.stdout and " passed, 0 failed" in result.stdout
    assert "Patronus" not in result.stdout + result.stderr
