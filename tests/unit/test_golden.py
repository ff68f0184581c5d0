"""Golden files of every example spec other than the default (whose golden is the committed generated/).

Refresh with `bash scripts/update-golden.sh` and review the diff.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from conftest import SPECS

from stackgen.output.writer import check_artifacts
from stackgen.pipeline import load, place, render_stack
from stackgen.spec.loader import DEFAULT_SPEC
from stackgen.targets.registry import COMPOSE

GOLDEN = Path(__file__).parent.parent / "golden"
DEFAULT = Path(str(resources.files("stackgen").joinpath("specs", DEFAULT_SPEC))).resolve()
OTHER_SPECS = [s for s in SPECS if s.resolve() != DEFAULT]


def test_there_is_an_example_spec_besides_the_default():
    assert OTHER_SPECS, "add a second spec to specs/ so every renderer is proven on more than one system"


@pytest.mark.parametrize("spec_path", OTHER_SPECS, ids=[s.stem for s in OTHER_SPECS])
def test_the_rendered_stack_matches_its_golden_files_byte_for_byte(spec_path):
    folder = GOLDEN / spec_path.stem / "generated"
    assert folder.is_dir(), f"no golden files for {spec_path.name}: run `bash scripts/update-golden.sh`"
    spec = load([spec_path]).spec  # as `stackgen generate` sees it: SLOs expanded
    diff = check_artifacts(render_stack(spec, COMPOSE, place(spec_path, folder)), folder)
    assert diff == "", f"golden files of {spec_path.name} are out of date; run `bash scripts/update-golden.sh` " \
                       f"and review:\n{diff[:4000]}"


def test_every_golden_folder_belongs_to_an_example_spec():
    stems = {s.stem for s in OTHER_SPECS}
    assert sorted(p.name for p in GOLDEN.iterdir() if p.is_dir() and p.name not in stems) == []


def test_the_golden_folders_hold_the_guide_dashboards_and_compose_file():
    for spec_path in OTHER_SPECS:
        root = GOLDEN / spec_path.stem
        spec = load([spec_path]).spec
        assert (root / "docker-compose.monitoring.yml").is_file()
        assert (root / "generated" / "docs" / "MONITORING.md").is_file()
        for dashboard in spec.dashboards:
            assert (root / "generated" / "grafana" / "dashboards" / f"{dashboard.uid}.json").is_file()
