"""Golden files of the kubernetes target: the default spec (embedded, as `stackgen generate --target
kubernetes` renders it) and every other spec in specs/, under tests/golden-kubernetes/<stem>/generated.

Refresh with `bash scripts/update-golden.sh` and review the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from conftest import SPECS, snapshot
from support.kubernetes import generated_spec

from stackgen.output.writer import check_artifacts
from stackgen.pipeline import place, render_stack
from stackgen.spec.loader import DEFAULT_SPEC
from stackgen.targets.registry import get_target

GOLDEN = Path(__file__).parent.parent / "golden-kubernetes"
DEFAULT = Path(str(resources.files("stackgen").joinpath("specs", DEFAULT_SPEC))).resolve()
# (golden folder name, spec file; None is the embedded default spec)
CASES: list[tuple[str, Path | None]] = [(DEFAULT.stem, None),
                                        *((s.stem, s) for s in SPECS if s.resolve() != DEFAULT)]


@pytest.mark.parametrize(("stem", "spec_path"), CASES, ids=[c[0] for c in CASES])
def test_the_kubernetes_output_matches_its_golden_files_byte_for_byte(stem, spec_path):
    folder = GOLDEN / stem / "generated"
    assert folder.is_dir(), f"no kubernetes golden files for {stem}: run `bash scripts/update-golden.sh`"
    spec = generated_spec(spec_path)
    diff = check_artifacts(render_stack(spec, get_target("kubernetes"), place(spec_path, folder)), folder)
    assert diff == "", f"kubernetes golden files of {stem} are out of date; run `bash scripts/update-golden.sh` " \
                       f"and review:\n{diff[:4000]}"


def test_every_kubernetes_golden_folder_belongs_to_a_spec():
    assert sorted(p.name for p in GOLDEN.iterdir() if p.is_dir()) == sorted(stem for stem, _ in CASES)


def test_the_golden_folders_hold_a_kustomization_and_every_listed_manifest():
    for stem, _ in CASES:
        folder = GOLDEN / stem / "generated"
        kustomization = (folder / "kustomization.yaml").read_text()
        listed = [line.strip()[2:] for line in kustomization.splitlines() if line.startswith("  - kubernetes/")]
        assert listed and all((folder / path).is_file() for path in listed)
        assert sorted(p.relative_to(folder).as_posix() for p in (folder / "kubernetes").iterdir()) == listed


@pytest.mark.slow
def test_generate_for_kubernetes_writes_the_same_bytes_under_two_hash_seeds(tmp_path):
    """Labels and secret keys pass through dicts and sets: two hash seeds must give the same bytes."""
    processes = {}
    for seed in ("1", "2"):
        cwd = tmp_path / f"seed-{seed}"
        cwd.mkdir()
        command = [str(Path(sys.executable).with_name("stackgen")), "generate", "--target", "kubernetes"]
        processes[cwd / "generated"] = subprocess.Popen(command, env={**os.environ, "PYTHONHASHSEED": seed}, cwd=cwd,
                                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for process in processes.values():
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    first, second = (snapshot(out) for out in processes)
    assert "kustomization.yaml" in first
    assert first == second
