"""Same spec, same bytes, across processes: `stackgen generate` output does not depend on the hash seed.

Within one process a set or dict iterates the same way every time, so an in-process check cannot see output
that depends on string hashing; two processes with different PYTHONHASHSEED values can.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SPECS, snapshot

STACKGEN = Path(sys.executable).with_name("stackgen")
pytestmark = pytest.mark.slow  # every test here runs the stackgen command in processes of its own
SEEDS = ("1", "2")


@pytest.mark.parametrize("spec", [None, *SPECS], ids=lambda p: getattr(p, "name", "embedded default"))
def test_generate_writes_the_same_bytes_under_two_hash_seeds(spec, tmp_path):
    runs = {}
    for seed in SEEDS:  # both processes run at once: the test costs one generate, not two
        # Sibling folders at one depth and one --out name: the rendered paths (the guide names the
        # output folder and the spec relative to it) are the same text in both runs.
        cwd = tmp_path / f"seed-{seed}"
        cwd.mkdir()
        out = cwd / "generated"
        command = [str(STACKGEN), "generate", *([str(spec)] if spec else []), "--out", "generated"]
        runs[out] = subprocess.Popen(command, env={**os.environ, "PYTHONHASHSEED": seed}, cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for process in runs.values():
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    first, second = (snapshot(out) for out in runs)
    assert first, "generate wrote nothing"
    assert sorted(first) == sorted(second)
    differing = [name for name in first if first[name] != second[name]]
    assert not differing, f"files that differ between PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}: {differing}"
