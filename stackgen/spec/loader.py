"""`load_spec`: file -> checked `Spec`, or a `SpecError` naming every problem."""

from __future__ import annotations

import os
import stat
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from stackgen.errors import SpecError, SpecIssue
from stackgen.model import Spec
from stackgen.spec.yamlsource import MAX_BYTES, Source, parse_yaml

if TYPE_CHECKING:
    from stackgen.spec.v1.document import SpecV1

DEFAULT_SPEC = "patronus.yaml"


def default_spec_bytes() -> bytes:
    return resources.files("stackgen").joinpath("specs").joinpath(DEFAULT_SPEC).read_bytes()


def read_source(path: str | Path | None) -> Source:
    """Parse a spec file (or the embedded default when `path` is None) into a line-aware Source."""
    if path is None:
        return parse_yaml(default_spec_bytes(), DEFAULT_SPEC)
    file = str(path)
    try:
        data = read_bounded(Path(path))
    except FileNotFoundError:
        raise SpecError([SpecIssue(file, None, "", "no such file", "check the path, or run `stackgen init`")]) from None
    except IsADirectoryError:
        raise SpecError([SpecIssue(file, None, "", "is a directory, not a spec file")]) from None
    except OSError as exc:
        raise SpecError([SpecIssue(file, None, "", f"cannot read: {exc.strerror}")]) from None
    return parse_yaml(data, file)


def read_bounded(path: Path) -> bytes:
    """A file's bytes; from a device or a pipe (/dev/zero, a FIFO) no more than the size limit and one byte,
    enough for `parse_yaml` to refuse it, instead of reading without end. A regular file is read whole, so the
    limit's message can say its size."""
    with open(path, "rb") as handle:
        regular = stat.S_ISREG(os.fstat(handle.fileno()).st_mode)
        return handle.read() if regular else handle.read(MAX_BYTES + 1)


def check_typed(source: Source) -> SpecV1:
    """The typed spec of a parsed document: its structure first, then the checks across fields."""
    # Imported here: the models take a while to build, and only commands that read a spec need them.
    from stackgen.spec.checks import check_spec
    from stackgen.spec.structure import parse_spec

    spec = parse_spec(source)
    issues = check_spec(source, spec)
    if issues:
        raise SpecError(issues)
    return spec


def built(source: Source, typed: SpecV1) -> Spec:
    """The domain model of a checked spec, with the checks that need it (expected alerts of test cases)."""
    from stackgen.spec.build import build_spec
    from stackgen.spec.case_checks import check_cases

    spec = build_spec(typed, source.file)
    issues = check_cases(source, typed, spec)
    if issues:
        raise SpecError(issues)
    return spec


def check_source(source: Source) -> Spec:
    return built(source, check_typed(source))


def load_spec(path: str | Path | None = None) -> Spec:
    """The checked spec as written: no naming lint, overlays or SLO expansion (`pipeline.load` adds them, and
    is what commands call); the spec layer's own entry, for tests and tools that read one file."""
    return check_source(read_source(path))
