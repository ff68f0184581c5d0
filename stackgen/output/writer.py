"""The only file I/O of generation: atomic replacement of the output folder, and --check diffs.

The output folder is owned by stackgen: it is rendered beside itself and swapped in whole, so a
reader (or a failed run) never sees half of it. A manifest marks it as ours; a non-empty folder
without one is never replaced. Files written beside it (the compose file) are replaced only when
they carry stackgen's header: a user's file of that name is never overwritten. Every check runs
before anything is written, so a refusal changes nothing on disk.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import shutil
from pathlib import Path

from stackgen.errors import OutputError
from stackgen.output.artifacts import Artifacts
from stackgen.output.serialize import header
from stackgen.targets.layout import DEFAULT_OUT, MANIFEST

# Every file stackgen writes beside the output folder opens with this (see `header`).
_OURS = header("\0").partition("\0")[0].encode("utf-8")


def manifest(artifacts: Artifacts) -> bytes:
    lines = [header(artifacts.source).rstrip("\n")]
    for path, data in sorted(artifacts.files.items()):
        lines.append(f"{hashlib.sha256(data).hexdigest()}  {path}")
    return ("\n".join(lines) + "\n").encode()


def _all_files(artifacts: Artifacts) -> dict[str, bytes]:
    return {**artifacts.files, MANIFEST: manifest(artifacts)}


def _guard(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out}: exists and is not a folder; choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise OutputError(f"{out}: folder has files stackgen did not write (no {MANIFEST}); "
                          "refusing to replace it. Choose an empty or new --out folder")


def _guard_beside(out: Path, artifacts: Artifacts) -> None:
    """Refuse to replace a file beside the output folder that stackgen did not write, or wrote for another
    output folder in the same parent (it mounts `./<that folder>/`): two specs must not share one compose file."""
    for rel in artifacts.root_files:
        path = out.parent / rel
        if not path.exists() and not path.is_symlink():
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read(1024 * 1024)
        except OSError:
            data = b""
        ours = data.startswith(_OURS)
        if ours and f"./{out.name}/".encode() not in data:
            source = data[len(_OURS):].partition(b". Do not edit")[0].decode("utf-8", "replace")
            raise OutputError(f"{path}: stackgen wrote it for another output folder (from {source}); refusing to "
                              f"overwrite it with the one for {out.name}/. Give each spec an output folder in a "
                              "parent folder of its own, e.g. --out <spec name>/generated")
        if not ours:
            raise OutputError(f"{path}: exists and stackgen did not write it (it does not start with "
                              f"'{_OURS.decode().strip()}'); refusing to overwrite it. Move it away, or choose "
                              "an --out folder whose parent has no such file")


def write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.stackgen-tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _swap_in(out: Path, files: dict[str, bytes]) -> None:
    """Write `files` into a staging folder beside `out`, then rename it into place."""
    parent = out.parent
    staging = parent / f".{out.name}.stackgen-new-{os.getpid()}"
    retired = parent / f".{out.name}.stackgen-old-{os.getpid()}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        if out.exists():
            os.rename(out, retired)
        os.rename(staging, out)
    except OSError as exc:
        if retired.exists() and not out.exists():
            os.rename(retired, out)
        raise OutputError(f"{out}: could not write output: {exc.strerror or exc}; the previous output is unchanged") \
            from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)


def write_artifacts(artifacts: Artifacts, out: Path) -> list[str]:
    """Replace `out` with exactly the rendered files, and write root files beside it. Returns paths written."""
    out = Path(os.path.abspath(out))
    _guard(out)
    _guard_beside(out, artifacts)
    _swap_in(out, _all_files(artifacts))
    for rel, data in artifacts.root_files.items():
        try:
            write_file(out.parent / rel, data)
        except OSError as exc:
            raise OutputError(f"{out.parent / rel}: could not write: {exc.strerror or exc}") from None
    return sorted(artifacts.files) + sorted(artifacts.root_files)


def write_scratch(artifacts: Artifacts, folder: Path) -> Path:
    """Write artifacts under a scratch `folder`, laid out as `generate` lays them out; returns the output folder.

    For running tools on rendered files without touching the user's output (`test`, `up`).
    """
    out = folder / DEFAULT_OUT
    write_artifacts(artifacts, out)
    return out


def read_existing(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def file_diff(name: str, old: bytes | None, new: bytes | None) -> str:
    def lines(data: bytes | None) -> list[str]:
        return data.decode("utf-8", "replace").splitlines(keepends=True) if data is not None else []

    before, after = f"a/{name}" if old is not None else "/dev/null", f"b/{name}" if new is not None else "/dev/null"
    text = "".join(difflib.unified_diff(lines(old), lines(new), before, after))
    if not text and old != new:  # an empty file appears or goes: difflib has no line to show, the headers say it
        return f"--- {before}\n+++ {after}\n"
    return text if text.endswith("\n") or not text else text + "\n\\ No newline at end of file\n"


def check_artifacts(artifacts: Artifacts, out: Path) -> str:
    """A unified diff from what is on disk to what the spec renders; empty when they match."""
    expected = {f"{out.name}/{k}": v for k, v in _all_files(artifacts).items()}
    expected.update(artifacts.root_files)
    parent = out.absolute().parent
    on_disk: dict[str, bytes | None] = {}
    if out.is_dir():
        for path in sorted(out.rglob("*")):
            if path.is_file():
                on_disk[f"{out.name}/{path.relative_to(out).as_posix()}"] = path.read_bytes()
    for rel in artifacts.root_files:
        on_disk[rel] = read_existing(parent / rel)
    chunks = []
    for name in sorted(set(expected) | set(on_disk)):
        old, new = on_disk.get(name), expected.get(name)
        if old != new:
            chunks.append(file_diff(name, old, new))
    return "".join(chunks)
