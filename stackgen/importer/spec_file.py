"""Where an imported spec goes: a new file, a file the user said to replace, or the spec it merges into.

The text is complete before anything is written, and written by rename, so a failed import leaves every
file as it was; an existing file is replaced only when the user asked for it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from stackgen.errors import OutputError
from stackgen.importer.rules import Base
from stackgen.output.serialize import yaml_text
from stackgen.spec.checks import Checker
from stackgen.spec.loader import check_typed, read_source

SCHEMA_COMMENT = "# yaml-language-server:"


def spec_text(data: dict, inputs: Sequence[Path], merged: Path | None = None) -> str:
    """The spec as YAML under a header naming the inputs. A spec merged into keeps its editor's schema line
    (its other comments are not kept), so completion still works after the merge."""
    names = ", ".join(str(p) for p in inputs)
    return (_schema_line(merged) + f"# Imported by `stackgen import` from {names}.\n"
            "# Metrics marked `inferred: true` were declared from the rules that read them: confirm type and help.\n"
            + yaml_text(data))


def _schema_line(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        with open(path, encoding="utf-8") as handle:
            first = handle.readline()
    except (OSError, UnicodeDecodeError):  # read_base has already reported an unreadable spec
        return ""
    return first if first.startswith(SCHEMA_COMMENT) and first.endswith("\n") else ""


def read_base(path: Path) -> Base:
    """The spec an import merges into, checked first so its own problems are reported at its own lines."""
    source = read_source(path)
    typed = check_typed(source)
    return Base(source.data, frozenset(Checker(source, typed).known_metrics))


def write_spec(path: Path, text: str, replace: bool) -> None:
    """Write `text` to `path` by rename; an existing file only when `replace`."""
    if path.exists() and not replace:
        raise OutputError(f"{path}: already exists; stackgen import never overwrites a file unasked. "
                          "Pass --force to replace it, or --merge to import into it")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:
        raise OutputError(f"{path}: could not write: {exc.strerror or exc}") from None
