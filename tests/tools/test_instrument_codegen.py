"""`stackgen codegen python`: a typed module of one service's metrics, golden, deterministic and lint-clean."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from stackgen.instrument import Declared, Metric
from stackgen.instrument.codegen import render_python_module
from stackgen.instrument.specfile import load_service_spec
from stackgen.spec.loader import load_spec
from tests.conftest import ROOT, SPECS, snapshot

# The golden module of taskq's api service is the one the example app imports.
GOLDEN = "examples/taskq_flask/taskq_api_metrics.py"
GOLDEN_ARGS = ("codegen", "python", "specs/taskq.yaml", "--service", "api", "--out", GOLDEN)
SERVICES = [(spec, s.name) for spec in SPECS for s in load_spec(spec).services]


def load_module(text: str, tmp_path: Path, name: str):
    """Import a generated module from its text, as a user's app would."""
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    sys.path.insert(0, str(tmp_path))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)


def test_the_golden_module_of_taskq_api_is_up_to_date(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli(*GOLDEN_ARGS, "--check")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout == f"{GOLDEN}: up to date with specs/taskq.yaml\n"


def test_the_golden_module_passes_ruff_and_mypy():
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", GOLDEN], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    # silent: report the module's own errors, not those of the packages it imports
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental", GOLDEN],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_mypy_catches_a_label_the_spec_does_not_declare(tmp_path):
    user = tmp_path / "use_metrics.py"
    user.write_text("from taskq_api_metrics import ApiMetrics\n\n"
                    "ApiMetrics().jobs_enqueued_total.labels(queu='email').inc()\n")
    env_path = f"{ROOT / 'examples' / 'taskq_flask'}"
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--follow-imports=silent", "--no-incremental", str(user)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, env={"MYPYPATH": env_path, "PATH": ""})
    assert mypy.returncode == 1
    assert 'Unexpected keyword argument "queu" for "labels" of "JobsEnqueuedTotal"' in mypy.stdout


@pytest.mark.parametrize("spec, service", SERVICES, ids=[f"{p.stem}-{s}" for p, s in SERVICES])
def test_every_service_of_every_spec_gets_a_module_that_builds_its_collectors(spec, service, tmp_path):
    loaded = load_service_spec(spec, service)
    text = render_python_module(loaded, "stackgen codegen python")
    assert render_python_module(load_service_spec(spec, service), "stackgen codegen python") == text
    module = load_module(text, tmp_path, f"gen_{spec.stem}_{service}")
    metrics = getattr(module, service.title().replace("-", "").replace("_", "") + "Metrics")()
    for metric in loaded.metrics:
        attribute = getattr(metrics, metric.name.replace(":", "_"))
        assert (attribute.collector if metric.labels else attribute) is metrics.spec_metrics[metric.name]
    assert b"# TYPE" in generate_latest(metrics.registry)


def test_labels_that_are_python_keywords_become_keyword_arguments_with_an_underscore(tmp_path):
    loaded = load_service_spec(ROOT / "specs" / "taskq.yaml", "api")
    odd = Declared(Metric("lessons_total", "counter", 'Lessons "taught"\\ by class.', labels=("class", "from")),
                   loaded.file, 1)
    text = render_python_module(dataclasses.replace(loaded, declared=(odd,)), "stackgen codegen python")
    metrics = load_module(text, tmp_path, "gen_keywords").ApiMetrics()
    metrics.lessons_total.labels(class_="math", from_="ann").inc()
    assert b'lessons_total{class="math",from="ann"} 1.0' in generate_latest(metrics.registry)
    assert metrics.spec_metrics.declared["lessons_total"].metric.help == 'Lessons "taught"\\ by class.'


def test_an_out_of_date_module_fails_the_check_with_a_diff(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "metrics.py"
    assert cli("codegen", "python", "specs/taskq.yaml", "--service", "worker", "--out", out).exit_code == 0
    out.write_text(out.read_text().replace("Workers in the pool.", "Workers."))
    result = cli("codegen", "python", "specs/taskq.yaml", "--service", "worker", "--out", out, "--check")
    assert result.exit_code == 1
    assert '-            help="Workers.",\n+            help="Workers in the pool.",\n' in result.stdout
    assert result.stderr == (f"{out}: out of date with specs/taskq.yaml; run `stackgen codegen python specs/taskq.yaml "
                             f"--service worker --out {out.as_posix()}` and commit the result\n")


def test_without_out_the_module_goes_to_standard_output(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = cli("codegen", "python", "specs/taskq.yaml", "--service", "api")
    assert result.exit_code == 0
    assert result.stdout == (ROOT / GOLDEN).read_text().replace(f" --out {GOLDEN}", "")


BAD_CALLS = [
    ("an unknown service", ("python", "specs/taskq.yaml", "--service", "web"), 2,
     "specs/taskq.yaml:21: services: no service 'web' (choose one of: api, worker)\n"),
    ("an unknown language", ("rust", "specs/taskq.yaml", "--service", "api"), 64,
     "unknown language 'rust': choose one of python\n"),
    ("--check with no file to compare", ("python", "specs/taskq.yaml", "--service", "api", "--check"), 64,
     "--check compares with a file: give it with --out\n"),
    ("a spec that does not exist", ("python", "specs/nope.yaml", "--service", "api"), 2,
     "specs/nope.yaml: no such file (check the path, or run `stackgen init`)\n"),
]


@pytest.mark.parametrize("name, args, code, message", BAD_CALLS, ids=[b[0] for b in BAD_CALLS])
def test_bad_calls_fail_with_a_message_and_write_nothing(name, args, code, message, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "out"
    out.mkdir()
    result = cli("codegen", *args, *([] if "--check" in args else ["--out", out / "m.py"]))
    assert (result.exit_code, result.stderr) == (code, message)
    assert snapshot(out) == {}
