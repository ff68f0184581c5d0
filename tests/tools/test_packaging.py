"""A plain (non-editable) install carries everything the CLI reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_the_wheel_ships_the_default_spec_and_the_templates(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("stackgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "stackgen/specs/patronus.yaml" in names
    templates = sorted(n for n in names if n.startswith("stackgen/templates/") and n.endswith(".j2"))
    on_disk = sorted(f"stackgen/templates/{p.name}" for p in (ROOT / "stackgen" / "templates").glob("*.j2"))
    assert templates == on_disk
    assert "stackgen/cli.py" in names
