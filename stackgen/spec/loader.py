"""`load_spec`: file -> checked `Spec`, or a `SpecError` naming every problem."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from stackgen.errors import SpecError, SpecIssue
from stackgen.model import Spec
from stackgen.spec.build import build_spec
from stackgen.spec.checks import check_spec
from stackgen.spec.schema_check import check_schema
from stackgen.spec.yamlsource import Source, parse_yaml

DEFAULT_SPEC = "patronus.yaml"


def default_spec_bytes() -> bytes:
    return resources.files("stackgen").joinpath("specs", DEFAULT_SPEC).read_bytes()


def read_source(path: str | Path | None) -> Source:
    """Parse a spec file (or the embedded default when `path` is None) into a line-aware Source."""
    if path is None:
        return parse_yaml(default_spec_bytes(), DEFAULT_SPEC)
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise SpecError([SpecIssue(file, None, "", "no such file", "check the path, or run `stackgen init`")]) from None
    except IsADirectoryError:
        raise SpecError([SpecIssue(file, None, "", "is a directory, not a spec file")]) from None
    except OSError as exc:
        raise SpecError([SpecIssue(file, None, "", f"cannot read: {exc.strerror}")]) from None
    return parse_yaml(data, file)


def check_source(source: Source) -> Spec:
    issues = check_schema(source)
    if not issues:
        issues = check_spec(source)
    if issues:
        raise SpecError(issues)
    return build_spec(source.data, source.file)


def load_spec(path: str | Path | None = None) -> Spec:
    return check_source(read_source(path))
