"""Golden files of every environment of every example spec: `specs/<stem>.<env>.yaml` merged onto
`specs/<stem>.yaml`, rendered into `tests/golden/<stem>/environments/<env>/generated` (compose) and
`tests/golden-kubernetes/<stem>/environments/<env>/generated` (kubernetes).

Refresh with `bash scripts/update-golden.sh` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS
from support.kubernetes import object_problems

from stackgen.output.writer import check_artifacts
from stackgen.pipeline import build, load
from stackgen.spec.environments import environments_of
from stackgen.targets.registry import COMPOSE, KUBERNETES

GOLDEN = ROOT / "tests" / "golden"
KUBERNETES_GOLDEN = ROOT / "tests" / "golden-kubernetes"
ENVIRONMENTS = [(spec, env) for spec in SPECS if spec.parent == ROOT / "specs" for env in environments_of(spec)]


def golden_folder(spec: Path, env: str, root: Path = GOLDEN) -> Path:
    return root / spec.stem / "environments" / env / "generated"


def test_an_example_spec_has_two_environments():
    assert len({env for spec, env in ENVIRONMENTS if spec.stem == "taskq"}) >= 2


@pytest.mark.parametrize(("spec", "env"), ENVIRONMENTS, ids=[f"{s.stem}-{e}" for s, e in ENVIRONMENTS])
def test_each_environment_matches_its_golden_files_byte_for_byte(spec, env):
    folder = golden_folder(spec, env)
    assert folder.is_dir(), f"no golden files for {spec.name} --env {env}: run `bash scripts/update-golden.sh`"
    diff = check_artifacts(build(load([spec], env=env), COMPOSE, folder), folder)
    assert diff == "", f"golden files of {spec.name} --env {env} are out of date; run " \
                       f"`bash scripts/update-golden.sh` and review:\n{diff[:4000]}"


@pytest.mark.parametrize(("spec", "env"), ENVIRONMENTS, ids=[f"{s.stem}-{e}" for s, e in ENVIRONMENTS])
def test_each_environments_golden_guide_says_which_environment_it_describes(spec, env):
    guide = (golden_folder(spec, env) / "docs" / "MONITORING.md").read_text()
    assert f"This guide describes the **{env}** environment: `{spec.name}` with its overlay " \
           f"`{spec.stem}.{env}.yaml`" in guide


def test_every_golden_environment_belongs_to_an_overlay():
    found = sorted(p.parent.parent.name + "/" + p.name for p in GOLDEN.glob("*/environments/*") if p.is_dir())
    assert found == sorted(f"{spec.stem}/{env}" for spec, env in ENVIRONMENTS)


@pytest.mark.parametrize(("spec", "env"), ENVIRONMENTS, ids=[f"{s.stem}-{e}" for s, e in ENVIRONMENTS])
def test_each_environment_for_kubernetes_matches_its_golden_files_and_passes_the_cluster_checks(spec, env):
    """An overlay changes what a cluster receives (names, thresholds, receivers): its manifests are reviewed
    in the diff like the compose files, and each object passes the CRD, core schema and name checks."""
    folder = golden_folder(spec, env, KUBERNETES_GOLDEN)
    assert folder.is_dir(), f"no kubernetes golden files for {spec.name} --env {env}: run " \
                            "`bash scripts/update-golden.sh`"
    diff = check_artifacts(build(load([spec], env=env), KUBERNETES, folder), folder)
    assert diff == "", f"kubernetes golden files of {spec.name} --env {env} are out of date; run " \
                       f"`bash scripts/update-golden.sh` and review:\n{diff[:4000]}"
    manifests = sorted((folder / "kubernetes").glob("*.yaml"))
    assert manifests
    problems = {p.name: object_problems(yaml.safe_load(p.read_text())) for p in manifests}
    assert problems == {p.name: [] for p in manifests}


def test_every_kubernetes_golden_environment_belongs_to_an_overlay():
    found = sorted(p.parent.parent.name + "/" + p.name for p in KUBERNETES_GOLDEN.glob("*/environments/*")
                   if p.is_dir())
    assert found == sorted(f"{spec.stem}/{env}" for spec, env in ENVIRONMENTS)
