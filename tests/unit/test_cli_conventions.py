"""The command line behaves as Prometheus-ecosystem tools do: --version, completion, plain help, exit codes that
tell a usage error (64) from an invalid spec (2), machine-readable `validate` output, the web server as an extra."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stackgen import __version__
from stackgen.cli.init import render_starter_spec

STACKGEN = str(Path(sys.executable).parent / "stackgen")
COMMANDS = ["generate", "validate", "test", "up", "serve", "init", "schema", "codegen"]


def stackgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([STACKGEN, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.slow
def test_version_prints_the_package_version():
    result = stackgen("--version")
    assert (result.returncode, result.stdout) == (0, f"stackgen {__version__}\n")


@pytest.mark.slow
def test_shell_completion_is_offered_and_prints_a_script():
    assert "--install-completion" in stackgen("--help").stdout
    shown = subprocess.run([STACKGEN, "--show-completion", "bash"], capture_output=True, text=True, timeout=60,
                           env={**os.environ, "SHELL": "/bin/bash"})
    assert shown.returncode == 0
    assert "_STACKGEN_COMPLETE" in shown.stdout and "complete " in shown.stdout


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_names_values_and_shows_flags_bare_without_type_placeholders(cli, command):
    result = cli(*([command] if command else []), "--help")
    assert result.exit_code == 0
    for placeholder in ("<bool>", "<str>", "<int>", "<float", "<path>", "<list"):
        assert placeholder not in result.output, f"{placeholder} in `stackgen {command} --help`"


def test_target_is_offered_as_a_choice_in_help(cli):
    assert "--target [compose|local|kubernetes]" in cli("generate", "--help").output


USAGE_ERRORS = [
    ("an unknown flag", ["generate", "--bogus"], "No such option: --bogus"),
    ("an unknown command", ["gnerate"], "No such command 'gnerate'"),
    ("an unknown target", ["generate", "--target", "nomad"], "unknown target 'nomad': choose one of compose, local"),
    ("an unknown format", ["validate", "--format", "xml"], "unknown format 'xml': choose one of text, json, github"),
    ("a value out of range", ["init", "--port", "0"], "Invalid value for '--port'"),
    ("a missing option value", ["codegen", "python", "--service"], "Option '--service' requires an argument"),
    ("codegen --check without --out", ["codegen", "python", "--service", "dashboard", "--check"],
     "--check compares with a file: give it with --out"),
    ("a port no socket can have", ["serve", "--port", "99999"],
     "Invalid value for '--port': Input should be less than or equal to 65535"),
    ("a host that is neither an address nor a name", ["serve", "--host", "junk"],
     "Error: Invalid value for '--host': 'junk' is neither an IP address nor a host name that resolves: give an "
     "address of this machine, e.g. 127.0.0.1, ::1, or 0.0.0.0 for every interface\n"),
    ("an address of another machine", ["serve", "--host", "192.0.2.1"],
     "Error: Invalid value for '--host': cannot listen on '192.0.2.1' (Cannot assign requested address): give an "
     "address of this machine, e.g. 127.0.0.1, ::1, or 0.0.0.0 for every interface\n"),
    ("an init option the spec would refuse", ["init", "--title", "t" * 4000],
     "Invalid value: the spec it makes would not validate: services[app].title: '" + "t" * 56 + "... is 4004 "
     "characters long, over the limit of 4000 (shorten it; long prose belongs in the runbook or docs)"),
]


@pytest.mark.slow
@pytest.mark.parametrize("case, args, message", USAGE_ERRORS, ids=[u[0] for u in USAGE_ERRORS])
def test_a_usage_error_exits_64_with_its_message_and_no_traceback(case, args, message, tmp_path):
    result = stackgen(*args, cwd=tmp_path)
    assert result.returncode == 64, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_an_invalid_spec_still_exits_2(tmp_path):
    (tmp_path / "stackgen.yaml").write_text("apiVersion: stackgen/v1\n")
    result = stackgen("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert "stackgen.yaml" in result.stderr


def test_the_app_docstring_documents_every_exit_code_the_readme_lists():
    from stackgen.cli import app as app_module

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code in ("0", "1", "2", "3", "4", "64"):
        assert f"\n  {code} " in app_module.__doc__, code
        assert f"\n| {code} |" in readme, code


# --- validate --format ---

def broken_and_unconventional(folder: Path) -> tuple[Path, Path]:
    """A spec with a located error, and one with a naming-lint warning only."""
    for name in ("bad.yaml", "lint.yaml"):
        assert stackgen("init", name, "--name", "shop", cwd=folder).returncode == 0
    bad, lint = folder / "bad.yaml", folder / "lint.yaml"
    bad.write_text(bad.read_text().replace('expr: up{job="app"} == 0', 'expr: upp{job="app"} == 0'))
    lint.write_text(lint.read_text().replace("http_request_duration_seconds", "http_request_duration_ms"))
    return bad, lint


@pytest.mark.slow
def test_validate_json_lists_every_issue_with_file_line_path_message_hint_and_severity(tmp_path):
    broken_and_unconventional(tmp_path)
    result = stackgen("validate", "bad.yaml", "lint.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["specs"] == [{"file": "bad.yaml", "ok": False}, {"file": "lint.yaml", "ok": True}]
    error = next(i for i in report["issues"] if i["severity"] == "error")
    assert error["file"] == "bad.yaml" and isinstance(error["line"], int)
    assert error["path"].endswith(".expr")
    assert (error["message"], error["hint"]) == ("unknown metric 'upp'", "did you mean 'up'?")
    warnings = [i for i in report["issues"] if i["severity"] == "warning"]
    assert warnings and all(w["file"] == "lint.yaml" for w in warnings)
    assert any("http_request_duration_ms" in w["message"] for w in warnings)
    assert result.stderr == ""


@pytest.mark.slow
def test_validate_json_on_a_good_spec_is_ok_with_no_issues(tmp_path):
    assert stackgen("init", "--name", "shop", cwd=tmp_path).returncode == 0
    result = stackgen("validate", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"ok": True, "specs": [{"file": "stackgen.yaml", "ok": True}], "issues": []}


def _one_of_each(doc: dict) -> dict:
    """The starter spec cut to one metric, one alert and one recording rule, without dashboards."""
    doc["metrics"], doc["recording_rules"] = doc["metrics"][:1], doc["recording_rules"][:1]
    doc["alert_groups"][0]["alerts"] = doc["alert_groups"][0]["alerts"][:1]
    del doc["dashboards"]
    return doc


@pytest.mark.parametrize(("case", "edit", "summary"), [
    ("the starter spec counts its one dashboard in the singular", lambda doc: doc,
     "2 metrics, 3 alerts, 2 recording rules, 1 dashboard"),
    ("one of each reads singular, none reads plural", _one_of_each,
     "1 metric, 1 alert, 1 recording rule, 0 dashboards"),
])
def test_validate_says_what_it_counted_in_words_that_agree_with_the_count(case, edit, summary, cli, tmp_path):
    doc = edit(yaml.safe_load(render_starter_spec("shop", "app", 8000)))
    (tmp_path / "shop.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    result = cli("validate", tmp_path / "shop.yaml")
    assert (result.exit_code, result.stdout) == (0, f"{tmp_path / 'shop.yaml'}: ok ({summary})\n"), result.output


@pytest.mark.slow
def test_validate_github_prints_one_annotation_per_issue_at_its_line(tmp_path):
    bad, _ = broken_and_unconventional(tmp_path)
    result = stackgen("validate", "bad.yaml", "lint.yaml", "--format", "github", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stdout.splitlines()
    error = next(line for line in lines if line.startswith("::error "))
    line_no = next(n for n, text in enumerate(bad.read_text().splitlines(), 1) if "upp{" in text)
    assert error.startswith(f"::error file=bad.yaml,line={line_no},title=stackgen%3A ")
    assert error.endswith("::unknown metric 'upp' (did you mean 'up'?)")
    assert any(line.startswith("::warning file=lint.yaml,line=") for line in lines)
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)


def test_github_annotations_escape_what_would_end_a_property_or_the_line():
    from stackgen.cli.report import Finding, SpecReport, render_github
    from stackgen.errors import SpecIssue

    issue = SpecIssue("a,b:c.yaml", 3, "x", "100% bad\nnext line")
    text = render_github([SpecReport("a,b:c.yaml", False, (Finding(issue, "error"),))])
    assert text == "::error file=a%2Cb%3Ac.yaml,line=3,title=stackgen%3A x::100%25 bad%0Anext line\n"


# --- the web server is an extra ---

BLOCK_SERVE_EXTRA = """
import sys
for name in ("uvicorn", "starlette", "websockets"):
    sys.modules[name] = None  # as in an install without the [serve] extra: importing it raises ImportError
from stackgen.cli.app import main
sys.argv = ["stackgen", *sys.argv[1:]]
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize("command", ["serve", "up"])
def test_serve_and_up_without_the_extra_say_how_to_install_it(command, tmp_path):
    result = subprocess.run([sys.executable, "-c", BLOCK_SERVE_EXTRA, command], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 3
    assert f"stackgen {command} needs the web server (starlette, uvicorn, websockets not installed): " \
           "pip install 'stackgen[serve]'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_generate_and_validate_need_no_web_server(tmp_path):
    for args in (["validate"], ["generate", "--out", "out"]):
        result = subprocess.run([sys.executable, "-c", BLOCK_SERVE_EXTRA, *args], cwd=tmp_path, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr

