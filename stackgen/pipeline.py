"""The one way a spec becomes files, used by every command.

    load (spec files) -> check + naming lint -> SLO expansion -> processors (Spec -> Spec) -> target -> renderers
    -> documents -> serialise -> one writer (or a --check diff, or a scratch folder for the tools)

Each stage lives in its own package (spec/, process/, targets/, render/, output/); this module only
joins them, so a command cannot skip a check or render differently from another.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from stackgen.errors import SpecIssue, UsageError
from stackgen.frozen import Frozen
from stackgen.model import Spec
from stackgen.process import Processor, apply
from stackgen.process.slo import expand_spec_slos
from stackgen.spec.environments import environments_of, overlay_of, overlay_path, read_environment
from stackgen.spec.lint import build_linted
from stackgen.targets.layout import DEFAULT_OUT

# The output side (serialisers, writer, targets) is imported where it is used: `validate` loads, never writes.
if TYPE_CHECKING:
    from stackgen.output.artifacts import Artifacts
    from stackgen.targets.base import Placement, Target

__all__ = ["STANDING", "Loaded", "Processor", "as_environment", "build", "check", "default_out", "load", "place", "prepare",
           "render_stack", "write", "write_scratch"]


# The processors every command applies, first: SLOs become ordinary rules, alerts and a dashboard before any
# command reads the model, so validate, test, serve, --fast and every target see them like any other rule.
STANDING: tuple[Processor, ...] = (expand_spec_slos,)


class Loaded(Frozen):
    """A checked spec after the standing processors, the naming-lint findings about it, the file it came
    from (None: embedded) and the environment whose overlay was merged onto it (None: the spec alone)."""

    spec: Spec
    warnings: tuple[SpecIssue, ...]
    path: Path | None
    environment: str | None = None


def load(paths: Sequence[Path | None] = (), strict: bool = False, env: str | None = None) -> Loaded:
    """Load and check a spec: no path is the embedded example; `env` merges that environment's overlay file
    onto it first (see `spec.environments`).

    Raises SpecError (with the lint findings as errors under `strict`), UsageError for an unknown environment.
    """
    given = [p for p in paths if p is not None]
    if len(given) > 1:
        raise UsageError(f"one spec file at a time (got {len(given)}); an environment's overlay is chosen with "
                         "--env, not given as a second spec")
    path = given[0] if given else None
    spec, warnings = build_linted(read_environment(path, env), strict)
    return Loaded(apply(spec, STANDING), tuple(warnings), path, env)


def as_environment(path: Path | None) -> tuple[Path | None, str | None]:
    """(spec, environment) for an overlay file (`taskq.production.yaml` beside `taskq.yaml`), (path, None) for a
    spec: what a file named on the command line is, for a command that checks every file it is given."""
    found = overlay_of(path) if path is not None else None
    return found if found else (path, None)


def overlay_files(spec: Path) -> list[Path]:
    """The environment overlay files beside `spec` (`stackgen.staging.yaml` beside `stackgen.yaml`), sorted."""
    return [overlay_path(spec, env) for env in environments_of(spec)]


def default_out(env: str | None) -> Path:
    """Where `generate` writes without --out: `generated/`, and an environment in a folder of its own,
    `environments/<env>/generated/`, so its compose file does not take the place of the spec's own."""
    return Path(DEFAULT_OUT) if env is None else Path("environments", env, DEFAULT_OUT)


def place(spec_path: Path | None, out: Path, env: str | None = None) -> Placement:
    """Where the rendered files must find the spec and the output folder: relative to `out`'s parent.

    That parent is where the compose file is written and where its commands run.
    """
    from stackgen.targets.base import Placement

    out = Path(os.path.abspath(out))
    spec = None if spec_path is None else Path(os.path.relpath(os.path.abspath(spec_path), out.parent)).as_posix()
    return Placement(out_name=out.name, spec=spec, environment=env)


def prepare(loaded: Loaded, processors: tuple[Processor, ...] = ()) -> Spec:
    """The loaded spec through every processor, in order: the model the target and renderers see."""
    return apply(loaded.spec, processors)


def render_stack(spec: Spec, target: Target | str, placement: Placement | None = None) -> Artifacts:
    """Every file of `spec` for `target`, as bytes keyed by path (`placement` None: `Placement()`). Pure."""
    # Imported here: the renderers (grafanalib, Jinja2) and the targets are what `validate` need not load.
    from stackgen.output.artifacts import serialise
    from stackgen.render.stack import render_documents
    from stackgen.targets.base import Placement
    from stackgen.targets.registry import get_target

    chosen = get_target(target) if isinstance(target, str) else target
    return serialise(render_documents(spec, chosen, placement or Placement()), spec.file)


def build(loaded: Loaded, target: Target | str = "compose", out: Path = Path(DEFAULT_OUT),
          processors: tuple[Processor, ...] = ()) -> Artifacts:
    """A loaded spec through the processors, rendered for `target` as it will be written to `out`."""
    return render_stack(prepare(loaded, processors), target, place(loaded.path, out, loaded.environment))


def write(artifacts: Artifacts, out: Path) -> list[str]:
    """Replace the output folder with `artifacts` (see `output.writer`); returns the paths written."""
    from stackgen.output.writer import write_artifacts

    return write_artifacts(artifacts, out)


def check(artifacts: Artifacts, out: Path) -> str:
    """A unified diff from what is under `out` to `artifacts`; empty when up to date."""
    from stackgen.output.writer import check_artifacts

    return check_artifacts(artifacts, out)


def write_scratch(artifacts: Artifacts, folder: Path) -> Path:
    """Write artifacts under a scratch `folder` as `generate` lays them out (see `output.writer`); returns the
    output folder."""
    from stackgen.output import writer

    return writer.write_scratch(artifacts, folder)
