"""A path the system refuses gets one line naming it and exit 1, never a traceback, and nothing is written.

A name longer than the file system allows, a folder that does not exist, a file where a folder must be: no
check of stackgen's foresees every way an operating system refuses a path, so the CLI names the path and the
system's reason. A report `verify` cannot write is refused before the stack runs, not after.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EMBEDDED_SPEC, ROOT

LONG = "a" * 300  # over the 255 bytes a file name may have on Linux and macOS file systems
RULES = ROOT / "tests" / "fixtures" / "import" / "node.rules.yaml"

CASES = [
    ("generate into a folder whose name is too long", ["generate", EMBEDDED_SPEC, "--out", "{tmp}/" + LONG],
     "{tmp}/" + LONG + ": cannot be used: File name too long (check the path)"),
    ("generate --check against a folder whose name is too long",
     ["generate", EMBEDDED_SPEC, "--check", "--out", "{tmp}/" + LONG],
     "{tmp}/" + LONG + ": cannot be used: File name too long (check the path)"),
    ("import into a spec whose name is too long", ["import", "rules", RULES, "--out", "{tmp}/" + LONG],
     "{tmp}/" + LONG + ": cannot be used: File name too long (check the path)"),
    ("a verify report whose name is too long", ["verify", EMBEDDED_SPEC, "--report", "{tmp}/" + LONG + ".json"],
     "{tmp}/" + LONG + ".json: cannot be used: File name too long (check the path)"),
    ("a verify report in a folder that does not exist", ["verify", EMBEDDED_SPEC, "--report", "{tmp}/none/r.json"],
     "--report {tmp}/none/r.json: cannot be written (name a file in a folder that exists and you may write to)"),
    ("a verify report that is a folder", ["verify", EMBEDDED_SPEC, "--report", "{tmp}/folder.json"],
     "--report {tmp}/folder.json: cannot be written (name a file in a folder that exists and you may write to)"),
    ("a codegen module that is a folder", ["codegen", "python", EMBEDDED_SPEC, "-s", "dashboard", "--out",
                                           "{tmp}/folder.json"],
     "{tmp}/folder.json: is a folder; name the module file, e.g. {tmp}/folder.json/metrics.py"),
    ("codegen --check against a folder", ["codegen", "python", EMBEDDED_SPEC, "-s", "dashboard", "--check", "--out",
                                          "{tmp}/folder.json"],
     "{tmp}/folder.json: is a folder; name the module file, e.g. {tmp}/folder.json/metrics.py"),
]


@pytest.mark.parametrize("args, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_path_the_system_refuses_is_named_in_one_line(args: list, message: str, cli, tmp_path: Path) -> None:
    (tmp_path / "folder.json").mkdir()
    result = cli(*(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 1, result.output
    assert result.stderr == message.replace("{tmp}", str(tmp_path)) + "\n"
    assert [p.name for p in tmp_path.iterdir()] == ["folder.json"]
