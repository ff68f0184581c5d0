"""Which spec a command means when none is named: the user's, not the built-in example.

Every command that takes an optional SPEC asks here, so `generate`, `validate`, `test`, `up`, `serve` and
`codegen` agree. In order: the argument; else `./stackgen.yaml` (or `./stackgen.yml`); else the file named by
`spec = "..."` under `[tool.stackgen]` in `./pyproject.toml`; else the embedded Patronus example, with a note
saying so, so a user's CI never passes by checking the demo instead of their spec.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from stackgen.errors import SpecError, SpecIssue
from stackgen.frozen import Frozen

SPEC_NAMES = ("stackgen.yaml", "stackgen.yml")
PYPROJECT = "pyproject.toml"
EMBEDDED_NOTE = "no stackgen.yaml here: rendering the built-in Patronus example (`stackgen init` starts your own)"


class Located(Frozen):
    """The spec to load (None: the embedded example) and what to tell the user about the choice, if anything."""

    path: Path | None
    note: str = ""


def locate_spec(given: Path | None, cwd: Path) -> Located:
    """The spec a command should load, found from `given` and the files in `cwd`.

    Raises SpecError when pyproject.toml names a spec that is not there, or cannot be read.
    """
    if given is not None:
        return Located(given)
    for name in SPEC_NAMES:
        if (cwd / name).is_file():
            return Located(Path(name))
    configured = _configured_spec(cwd / PYPROJECT)
    if configured is not None:
        return Located(configured)
    return Located(None, EMBEDDED_NOTE)


def _configured_spec(pyproject: Path) -> Path | None:
    """`[tool.stackgen] spec` from pyproject.toml, relative to its folder; None when it sets none."""
    if not pyproject.is_file():
        return None
    text = pyproject.read_text(encoding="utf-8", errors="replace")
    if "tool.stackgen" not in text:  # the common case: no need for a TOML parser at all
        return None
    table = _parse_toml(text, pyproject).get("tool", {}).get("stackgen", {})
    value = table.get("spec") if isinstance(table, dict) else None
    if value is None:
        return None
    line = _line_of(text, "spec")
    if not isinstance(value, str) or not value:
        raise SpecError([SpecIssue(PYPROJECT, line, "tool.stackgen.spec", f"must be a path to a spec file, got {value!r}",
                                   'e.g. spec = "monitoring/stackgen.yaml"')])
    path = Path(value)
    if not (pyproject.parent / path).is_file():
        raise SpecError([SpecIssue(PYPROJECT, line, "tool.stackgen.spec", f"'{value}': no such file",
                                   "fix the path (relative to pyproject.toml), or run `stackgen init " f"{value}`")])
    return path


def _parse_toml(text: str, pyproject: Path) -> dict[str, Any]:
    """pyproject.toml as data: tomllib on Python 3.11+, tomli (a dependency there) on 3.10."""
    if sys.version_info >= (3, 11):
        import tomllib as toml
    else:  # pragma: no cover (3.10)
        try:
            import tomli as toml  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            raise SpecError([SpecIssue(PYPROJECT, None, "tool.stackgen",
                                       "cannot read [tool.stackgen] on Python 3.10 without tomli",
                                       "`pip install tomli`, or name the spec on the command line")]) from None
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise SpecError([SpecIssue(PYPROJECT, None, "", f"not valid TOML: {exc}", "fix the file")]) from None


def _line_of(text: str, key: str) -> int | None:
    """The line of `key = ...` inside [tool.stackgen], for the error message; None when not found."""
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == "[tool.stackgen]"
        elif inside and stripped.split("=", 1)[0].strip() == key:
            return number
    return None
