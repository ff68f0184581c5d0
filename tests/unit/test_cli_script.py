"""The `stackgen` script decides the garbage collector before the CLI's libraries load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from stackgen.cli.script import one_shot

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("argv", "expected"), [
    (["stackgen", "validate"], True),
    (["stackgen", "generate", "--out", "serve"], True),
    (["stackgen"], True),
    (["stackgen", "serve"], False),
    (["stackgen", "up", "--env", "staging"], False),
])
def test_every_command_but_serve_and_up_is_one_shot(argv: list[str], expected: bool) -> None:
    assert one_shot(argv) is expected


def test_the_script_module_loads_no_library_before_it_decides() -> None:
    code = "import sys, stackgen.cli.script; print(sorted({m.split('.')[0] for m in sys.modules} & " \
           "{'typer', 'click', 'pydantic', 'yaml', 'stackgen.cli.app'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "[]"


def test_the_stackgen_script_and_python_m_stackgen_run_it() -> None:
    assert '\nstackgen = "stackgen.cli.script:main"\n' in (ROOT / "pyproject.toml").read_text()
    assert "from stackgen.cli.script import main" in (ROOT / "stackgen" / "__main__.py").read_text()
