"""GitOps fit: `stackgen init` scaffolds a spec that works as it is, and the pre-commit hooks run from a
scratch repository exactly as another project would use them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, require_tool

from stackgen.pipeline import render_stack, write_scratch
from stackgen.spec.loader import load_spec
from stackgen.targets.registry import TARGETS

BIN = Path(sys.executable).parent
GIT = ["git", "-c", "user.name=stackgen tests", "-c", "user.email=tests@example.com", "-c", "init.defaultBranch=main",
       "-c", "commit.gpgsign=false"]


def run(*command, cwd, timeout=120, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env)


# --- stackgen init ---

def test_init_writes_a_spec_with_the_schema_comment_that_passes_strict_validation(cli, tmp_path):
    spec = tmp_path / "web-shop" / "stackgen.yaml"
    result = cli("init", spec)
    assert result.exit_code == 0, result.output
    assert spec.read_text().splitlines()[0] == "# yaml-language-server: $schema=stackgen.schema.json"
    result = cli("validate", spec, "--strict")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert load_spec(spec).name == "web-shop"


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_the_starter_spec_passes_promtool_and_amtool(cli, tmp_path, target):
    spec = tmp_path / "stackgen.yaml"
    assert cli("init", spec, "--name", "shop", "--service", "web", "--port", "8080").exit_code == 0
    out = write_scratch(render_stack(load_spec(spec), TARGETS[target]), tmp_path / "rendered")
    checks = [(require_tool("promtool"), "check", "config", "prometheus/prometheus.yml"),
              (require_tool("promtool"), "check", "rules", "prometheus/alerts.yml", "prometheus/recording.yml"),
              (require_tool("amtool"), "check-config", "alertmanager/config.yml")]
    for command in checks:
        result = run(*command, cwd=out)
        assert result.returncode == 0, result.stdout + result.stderr


def test_init_refuses_to_overwrite_an_existing_file(cli, tmp_path):
    spec = tmp_path / "stackgen.yaml"
    spec.write_text("mine: true\n")
    result = cli("init", spec)
    assert result.exit_code == 1
    assert "stackgen.yaml: already exists; stackgen init never overwrites a spec" in result.stderr
    assert spec.read_text() == "mine: true\n"


def test_init_refuses_a_name_that_is_not_a_spec_name(cli, tmp_path):
    result = cli("init", tmp_path / "s.yaml", "--name", "Web Shop")
    assert result.exit_code == 64  # a bad option value is a usage error
    assert "'Web Shop': use a lowercase name" in result.output
    assert not (tmp_path / "s.yaml").exists()


def test_a_title_full_of_yaml_specials_survives_as_written(cli, tmp_path):
    title = 'Shop: "main" #1 & *all* {{ $x }} \'quoted\''
    spec = tmp_path / "stackgen.yaml"
    assert cli("init", spec, "--title", title).exit_code == 0
    assert load_spec(spec).title == title


def test_validate_checks_every_spec_it_is_given_as_pre_commit_passes_them(cli, tmp_path):
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    assert cli("init", good).exit_code == 0
    bad.write_text(good.read_text().replace("port: 8000", "port: eighty"))
    result = cli("validate", bad, good)
    assert result.exit_code == 2
    assert "bad.yaml:" in result.stderr and "services[app].port: expected a whole number, got 'eighty'" in result.stderr
    assert "good.yaml: ok (" in result.stdout


def _secrets_line(text: str) -> str:
    return next(line.strip() for line in text.splitlines() if line.strip().startswith("mkdir -p secrets"))


SECRETS_SETUP = [
    ("the README", lambda tmp_path: (ROOT / "README.md").read_text()),
    ("the rendered guide", lambda tmp_path: write_scratch(render_stack(load_spec(None), TARGETS["compose"]),
                                                          tmp_path / "rendered").joinpath("docs", "MONITORING.md")
     .read_text()),
]


@pytest.mark.parametrize("source, text", SECRETS_SETUP, ids=[source for source, _ in SECRETS_SETUP])
def test_the_secrets_folder_made_as_the_docs_say_is_never_offered_to_git(source, text, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    assert run(*GIT, "init", "-q", cwd=repo).returncode == 0
    made = run("bash", "-euc", _secrets_line(text(tmp_path)), cwd=repo)
    assert made.returncode == 0, made.stderr
    (repo / "secrets" / "slack_api_url").write_text("https://hooks.example.com/T0/B0/x")
    status = run(*GIT, "status", "--porcelain", "--untracked-files=all", cwd=repo)
    assert status.returncode == 0 and status.stdout == "", f"{source}: git would commit {status.stdout}"


# --- pre-commit hooks, from a scratch repository ---

def _hook_repository(folder: Path) -> tuple[Path, str]:
    """This project's source as a git repository of its own (the checkout may have uncommitted work).

    Fixed commit dates make the commit hash depend on the files alone, so pre-commit finds the hook environment
    it built for the same source on an earlier run (the slow part: installing stackgen into a virtualenv)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "stackgen", folder / "stackgen", ignore=shutil.ignore_patterns("__pycache__"))
    dated = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "stackgen"]):
        assert run(*GIT, *command, cwd=folder, env=dated).returncode == 0
    return folder, run(*GIT, "rev-parse", "HEAD", cwd=folder).stdout.strip()


@pytest.fixture(scope="module")
def precommit(pytestconfig, tmp_path_factory):
    """Run `pre-commit run --all-files` in a scratch repository that uses our hooks.

    The hook repository and pre-commit's home are kept in pytest's cache folder, as CI keeps ~/.cache/pre-commit:
    the hook environment is installed once per version of the source, not on every run."""
    cache = pytestconfig.cache.mkdir("pre-commit") if pytestconfig.cache else tmp_path_factory.mktemp("pre-commit")
    hooks, rev = _hook_repository(cache / "hooks")
    home = cache / "home"
    if (cache / "rev").is_file() and (cache / "rev").read_text() != rev:
        shutil.rmtree(home, ignore_errors=True)  # the source changed: keep one hook environment, not one per version
    (cache / "rev").write_text(rev)
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("VIRTUAL_ENV", None)

    def make_repo(folder: Path) -> Path:
        assert run(BIN / "stackgen", "init", "stackgen.yaml", "--name", "shop", cwd=folder).returncode == 0
        assert run(BIN / "stackgen", "generate", "stackgen.yaml", cwd=folder).returncode == 0
        config = {"repos": [{"repo": str(hooks), "rev": rev, "hooks": [
            {"id": "stackgen-validate"},
            {"id": "stackgen-generate-check"}]}]}  # no args: the hook finds ./stackgen.yaml as users expect
        (folder / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
        assert run(*GIT, "init", "-q", cwd=folder).returncode == 0
        assert run(*GIT, "add", "-A", cwd=folder).returncode == 0
        return folder

    def run_hooks(folder: Path) -> subprocess.CompletedProcess:
        return run(BIN / "pre-commit", "run", "--all-files", "--color", "never", cwd=folder, env=env, timeout=600)

    return make_repo, run_hooks


def test_both_hooks_pass_on_a_valid_spec_with_fresh_output(precommit, tmp_path):
    make_repo, run_hooks = precommit
    result = run_hooks(make_repo(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "stackgen validate" in result.stdout and "stackgen generate --check" in result.stdout
    assert result.stdout.count("Passed") == 2


def test_the_validate_hook_fails_on_a_bad_spec_with_its_message(precommit, tmp_path):
    make_repo, run_hooks = precommit
    repo = make_repo(tmp_path)
    spec = repo / "stackgen.yaml"
    spec.write_text(spec.read_text().replace('expr: up{job="app"} == 0', 'expr: upp{job="app"} == 0'))
    result = run_hooks(repo)
    assert result.returncode == 1
    assert "stackgen.yaml:" in result.stdout and "unknown metric 'upp' (did you mean 'up'?)" in result.stdout


def test_the_generate_check_hook_fails_with_a_diff_when_output_is_stale(precommit, tmp_path):
    make_repo, run_hooks = precommit
    repo = make_repo(tmp_path)
    spec = repo / "stackgen.yaml"
    spec.write_text(spec.read_text().replace("    value: 0.05\n", "    value: 0.07\n", 1))
    result = run_hooks(repo)
    assert result.returncode == 1
    assert "--- a/generated/prometheus/alerts.yml" in result.stdout
    assert '-        expr: job:http_requests_errors:ratio_rate5m{job="app"} > 0.05\n' \
           '+        expr: job:http_requests_errors:ratio_rate5m{job="app"} > 0.07\n' in result.stdout
    assert "out of date with stackgen.yaml" in result.stdout


def test_the_validate_hook_checks_an_environment_overlay_beside_the_spec(precommit, tmp_path):
    make_repo, run_hooks = precommit
    repo = make_repo(tmp_path)
    (repo / "stackgen.staging.yaml").write_text("thresholds:\n  http_error_ratio: {value: lots}\n")
    assert run(*GIT, "add", "stackgen.staging.yaml", cwd=repo).returncode == 0
    result = run_hooks(repo)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "stackgen.staging.yaml:2: thresholds.http_error_ratio.value: expected a number, got 'lots'" in result.stdout
