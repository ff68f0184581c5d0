"""`stackgen validate [SPEC...]`: check specs without writing anything, for people or for CI."""

import sys
from pathlib import Path
from typing import Optional

import typer

from stackgen.cli.common import SPEC_DEFAULT_HELP, EnvOption, StrictOption, load_located, spec_path
from stackgen.cli.report import Finding, SpecReport, render_github, render_json
from stackgen.errors import SpecError, SpecIssue, StackgenError
from stackgen.wording import counted

FORMATS = ("text", "json", "github")
# Exit 0 all the same: the example is valid, and `stackgen validate` in an empty folder is how one tries it. A CI
# job run from the wrong folder is told on stderr, and by a warning annotation with --format github.
EXAMPLE_WHY = "no stackgen.yaml in this folder, and no [tool.stackgen] spec in pyproject.toml"
EXAMPLE_FIX = "name your spec, e.g. `stackgen validate monitoring/stackgen.yaml`, or run from its folder"
EXAMPLE_NOTE = f"{EXAMPLE_WHY}: validating the built-in Patronus example, NOT a spec of yours ({EXAMPLE_FIX})"
EXAMPLE_ANNOTATION = f"validated the built-in Patronus example, NOT a spec of yours: {EXAMPLE_WHY}"


def validate(
    specs: Optional[list[Path]] = typer.Argument(None, help=f"Spec files ({SPEC_DEFAULT_HELP}).",
                                                  show_default=False, metavar="SPEC"),
    strict: bool = StrictOption,
    output_format: str = typer.Option(
        "text", "--format", metavar=f"[{'|'.join(FORMATS)}]",
        help="text: one line per problem (file:line: path: message (hint)); json: one document on stdout; "
             "github: annotation lines for GitHub Actions."),
    env: Optional[str] = EnvOption,
) -> None:
    """Check specs without writing anything: schema, PromQL, references, secrets, names."""
    if output_format not in FORMATS:
        raise typer.BadParameter(f"unknown format '{output_format}': choose one of {', '.join(FORMATS)}",
                                 param_hint="'--format'")
    given: list[Optional[Path]] = [*specs] if specs else _your_spec_and_overlays(env)
    if output_format == "text":
        _validate_text(given, strict, env)
    else:
        _validate_for_machines(given, strict, output_format, env)


def _your_spec_and_overlays(env: Optional[str]) -> list[Optional[Path]]:
    """No SPEC: the spec commands find, and (without --env) each environment overlay beside it, so the CI line
    `stackgen validate` also fails on a broken `stackgen.<env>.yaml`."""
    from stackgen import pipeline

    found = spec_path(None, EXAMPLE_NOTE)
    return [found] if found is None or env is not None else [found, *pipeline.overlay_files(found)]


def _as_spec(spec: Optional[Path], env: Optional[str]) -> tuple[Optional[Path], Optional[str]]:
    """An overlay file given as a spec (pre-commit passes every changed YAML file) is checked as what it is:
    its spec's environment. `--env` given, every file is taken as a spec."""
    from stackgen import pipeline

    return pipeline.as_environment(spec) if env is None else (spec, env)


def _validate_text(given: list[Optional[Path]], strict: bool, env: Optional[str]) -> None:
    exit_code = 0
    for spec in given:  # several at once, as pre-commit passes them; every one is reported
        path, spec_env = _as_spec(spec, env)
        try:
            model = load_located(path, strict, spec_env).spec
        except typer.Exit as failed:
            exit_code = max(exit_code, failed.exit_code)
            continue
        of = f" of {path}" if path != spec else ""
        name = f"{spec or model.file}" + (f" (environment {spec_env}{of})" if spec_env else "")
        counts = (counted(len(model.metrics), "metric"), counted(len(model.alerts), "alert"),
                  counted(len(model.recording_rules), "recording rule"), counted(len(model.dashboards), "dashboard"))
        typer.echo(f"{name}: ok ({', '.join(counts)})")
    if exit_code:
        raise typer.Exit(exit_code)


def _validate_for_machines(given: list[Optional[Path]], strict: bool, output_format: str,
                           env: Optional[str]) -> None:
    from stackgen import pipeline

    reports, exit_code = [], 0
    for spec in given:
        file = str(spec) if spec else "the built-in example"  # replaced by the spec's own name once loaded
        path, spec_env = _as_spec(spec, env)
        try:
            loaded = pipeline.load([path], strict, spec_env)
        except SpecError as exc:
            file = exc.issues[0].file if exc.issues else file
            reports.append(SpecReport(file, False, tuple(Finding(i, "error") for i in exc.issues)))
            exit_code = max(exit_code, exc.exit_code)
        except StackgenError as exc:
            reports.append(SpecReport(file, False, (Finding(SpecIssue(file, None, "", str(exc)), "error"),)))
            exit_code = max(exit_code, exc.exit_code)
        else:
            file = str(spec) if spec else loaded.spec.file
            example = () if spec else (Finding(SpecIssue(file, None, "", EXAMPLE_ANNOTATION, EXAMPLE_FIX), "warning"),)
            reports.append(SpecReport(file, True, (*example, *(Finding(w, "warning") for w in loaded.warnings))))
    sys.stdout.write(render_json(reports) if output_format == "json" else render_github(reports))
    if exit_code:
        raise typer.Exit(exit_code)
