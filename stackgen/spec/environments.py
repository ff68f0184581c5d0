"""Environments: one spec, and an overlay file per environment that overrides part of it.

`taskq.production.yaml` beside `taskq.yaml` is the `production` environment of that spec: a partial spec that
is merged onto the base before any check runs, as kustomize patches and helm values files are merged:

- mappings merge key by key, as deep as both sides are mappings; a key set to null removes the base's key;
- a list whose items all carry a name (`name`, `record`, `uid` or `title`, as errors name them) merges item by
  item: an overlay item with the name of a base item is merged into it, a new name is added at the end, and an
  item with `$patch: delete` removes the base's item. When the base has several items of one name (an alert's
  critical and warning twins), the overlay item says which by `severity` or `service`. A new item that is not
  whole (does not validate on its own) most likely meant a base item by a misspelt name: it is refused as such,
  with the nearest base name;
- every other list, and every other value, replaces the base's whole.

The merged document remembers, for every value, the file and line it came from: a check that fails on an
overridden value names the overlay's file and line; one that fails on an inherited value names the base's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, TypeVar

from stackgen.errors import SpecError, SpecIssue, UsageError
from stackgen.spec.loader import read_source
from stackgen.spec.suggest import did_you_mean
from stackgen.spec.yamlsource import EMPTY_SPEC, NAME_KEYS, Source, _collector_paused, format_path

ENV_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
NARROWING_KEYS = ("severity", "service")  # what tells items of one name apart in the spec's lists
PATCH_KEY = "$patch"
SpecPath = tuple[Any, ...]
P = TypeVar("P", bound=PurePath)


@dataclass
class LayeredSource(Source):
    """A base spec with an overlay merged onto it: the data, and the file and line of each path in it."""

    files: dict[SpecPath, str] = field(default_factory=dict)  # paths whose value came from another file
    layers: tuple[str, ...] = ()  # the files merged, base first
    deletions: dict[tuple[str, str], str] = field(default_factory=dict)  # (what, name) -> file:line deleting it

    def _found(self, path: SpecPath) -> SpecPath:
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return path

    def issue(self, path: SpecPath, message: str, hint: str = "") -> SpecIssue:
        found = self._found(path)
        return SpecIssue(self.files.get(found, self.file), self.line(path), format_path(path, self.data), message,
                         hint)

    def place(self, path: SpecPath) -> str:
        """`at taskq.production.yaml:12`: a line alone would not say which file."""
        return f"at {self.files.get(self._found(path), self.file)}:{self.line(path)}"

    def deleted_at(self, what: str, name: str) -> str:
        """Where the overlay deleted the `what` named `name` (`file:line`), or ""."""
        return self.deletions.get((what, name), "")


def overlay_path(spec: P, env: str) -> P:
    """The overlay of environment `env` for `spec`: `specs/taskq.yaml` -> `specs/taskq.production.yaml`."""
    return spec.with_name(f"{spec.stem}.{env}{spec.suffix}")


def environments_of(spec: Path) -> list[str]:
    """The environments of `spec`: the names of the overlay files beside it, sorted."""
    if not spec.parent.is_dir():
        return []
    names = (p.name[len(spec.stem) + 1: -len(spec.suffix)] for p in spec.parent.glob(f"{spec.stem}.*{spec.suffix}"))
    return sorted(n for n in names if ENV_NAME.match(n))


def overlay_of(path: Path) -> tuple[Path, str] | None:
    """(spec, environment) when `path` is an overlay (`taskq.production.yaml` beside `taskq.yaml`), else None."""
    stem, dot, env = path.stem.rpartition(".")
    if not (stem and dot and ENV_NAME.match(env)) or "." in stem:  # `ff`, `.yaml`, `.hidden.yaml`: no base name
        return None
    base = path.with_name(f"{stem}{path.suffix}")
    return (base, env) if base.is_file() else None


def base_of(path: Path) -> Path | None:
    """The spec that `path` is an overlay of, or None: an overlay is part of its spec, never a spec of its own."""
    found = overlay_of(path)
    return found[0] if found else None


def read_environment(path: Path | None, env: str | None) -> Source:
    """The spec at `path` (None: the embedded example) with the overlay of `env` merged onto it.

    Raises UsageError for an environment the spec does not have, SpecError for a bad file or merge.
    """
    base = read_source(path)
    if env is None:
        return base
    if path is None:
        raise UsageError(f"unknown environment '{env}': the built-in example has no environments "
                         "(an environment is an overlay file beside a spec, e.g. stackgen.production.yaml)")
    known = environments_of(path)
    if env not in known:
        have = f"known environments: {', '.join(known)}" if known else "it has none"
        raise UsageError(f"unknown environment '{env}' for {path}: {have} "
                         f"(environment NAME is the overlay file {overlay_path(path, 'NAME').name} beside the spec)")
    return merge_sources(base, read_overlay(overlay_path(path, env)))


def read_overlay(path: Path) -> Source:
    """An overlay file; an empty one is refused in an overlay's words, not as a spec to start from scratch."""
    try:
        return read_source(path)
    except SpecError as exc:
        if [i.message for i in exc.issues] == [EMPTY_SPEC]:
            raise SpecError([SpecIssue(str(path), 1, "", "the overlay is empty",
                                       "delete it, or write in it what this environment changes in the spec, "
                                       "e.g. 'thresholds: {queue_backlog_jobs: {value: 5000}}'")]) from None
        raise


def merge_sources(base: Source, overlay: Source) -> LayeredSource:
    """`overlay` merged onto `base` (see the module's docstring), every value located in its own file."""
    if not isinstance(overlay.data, dict):
        raise SpecError([overlay.issue((), "an overlay must be a mapping of the spec keys it overrides",
                                       "e.g. 'thresholds: {queue_backlog_jobs: 5000}'")])
    layers = (*getattr(base, "layers", (base.file,)), overlay.file)
    out = LayeredSource(base.file, None, layers=layers)
    merge = _Merge(base, overlay, out)
    with _collector_paused():  # as while parsing: the result is a tree of fresh objects that all survive
        out.data = merge.value(base.data, (), overlay.data, (), ())
    issues = [issue for added in merge.added if (issue := _incomplete(out, *added))]
    if issues:
        raise SpecError(issues)
    return out


class _Merge:
    """One merge of an overlay onto a base, recording where each value of the result came from."""

    def __init__(self, base: Source, overlay: Source, out: LayeredSource) -> None:
        self.base, self.overlay, self.out = base, overlay, out
        self.added: list[tuple[SpecPath, str, dict, list]] = []  # path in the result, name key, item, base list

    def _locate(self, source: Source, src: SpecPath, dst: SpecPath) -> None:
        if src in source.lines:
            self.out.lines[dst] = source.lines[src]
            file = getattr(source, "files", {}).get(src, source.file)
            if file != self.out.file:
                self.out.files[dst] = file

    def adopt(self, source: Source, value: Any, src: SpecPath, dst: SpecPath) -> Any:
        """`value` taken whole from `source`, with the line of every path under it."""
        self._locate(source, src, dst)
        if isinstance(value, dict):
            for key, item in value.items():
                self.adopt(source, item, src + (key,), dst + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self.adopt(source, item, src + (i,), dst + (i,))
        return value

    def value(self, base: Any, bp: SpecPath, over: Any, op: SpecPath, dst: SpecPath) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            self._locate(self.base, bp, dst)
            return self._mapping(base, bp, over, op, dst)
        if isinstance(base, list) and isinstance(over, list):
            key = _item_key(base, over)
            if key:
                self._locate(self.base, bp, dst)
                return self._keyed_list(key, base, bp, over, op, dst)
        return self.adopt(self.overlay, over, op, dst)

    def _mapping(self, base: dict, bp: SpecPath, over: dict, op: SpecPath, dst: SpecPath) -> dict:
        out: dict = {}
        for key, item in base.items():
            if key not in over:
                out[key] = self.adopt(self.base, item, bp + (key,), dst + (key,))
            elif over[key] is not None:  # null removes the key, as in helm values
                out[key] = self.value(item, bp + (key,), over[key], op + (key,), dst + (key,))
        for key, item in over.items():
            if key not in base and item is not None:
                out[key] = self.adopt(self.overlay, item, op + (key,), dst + (key,))
        return out

    def _keyed_list(self, key: str, base: list, bp: SpecPath, over: list, op: SpecPath, dst: SpecPath) -> list:
        matched: dict[int, int] = {}  # base index -> overlay index
        deleted: set[int] = set()
        added: list[int] = []
        for j, item in enumerate(over):
            patch = item.get(PATCH_KEY)
            if patch not in (None, "delete"):
                raise self._error(op + (j, PATCH_KEY), f"unknown {PATCH_KEY} {patch!r}",
                                  f"'{PATCH_KEY}: delete' removes the item; leave it out to merge the item")
            i = self._match(key, base, item, op + (j,))
            if i is None and patch == "delete":
                raise self._error(op + (j,), f"no {key} '{item[key]}' in the base spec to delete",
                                  f"check the {key} against {self.base.file}")
            if i is None:
                added.append(j)
            elif i in matched or i in deleted:
                raise self._error(op + (j,), f"{key} '{item[key]}' is overridden twice in this overlay",
                                  "merge the two items into one")
            elif patch == "delete":
                deleted.add(i)
                where = f"{self.overlay.file}:{self.overlay.line(op + (j, PATCH_KEY))}"
                self.out.deletions.setdefault((_singular(dst), item[key]), where)
            else:
                matched[i] = j
        out: list = []
        for i, item in enumerate(base):
            if i in deleted:
                continue
            here = dst + (len(out),)
            if i in matched:
                out.append(self.value(item, bp + (i,), _without_patch(over[matched[i]]), op + (matched[i],), here))
            else:
                out.append(self.adopt(self.base, item, bp + (i,), here))
        for j in added:
            self.added.append((dst + (len(out),), key, over[j], base))
            out.append(self.adopt(self.overlay, over[j], op + (j,), dst + (len(out),)))
        return out

    def _match(self, key: str, base: list, item: dict, path: SpecPath) -> int | None:
        """The index of the base item `item` overrides, None for a new one."""
        found = [i for i, b in enumerate(base) if b[key] == item[key]
                 and all(b.get(k) == item[k] for k in NARROWING_KEYS if k in item)]
        if len(found) > 1:
            telling = [k for k in NARROWING_KEYS if len({str(base[i].get(k)) for i in found}) == len(found)]
            keys = " or ".join(telling) or "another key"
            raise self._error(path, f"{key} '{item[key]}' matches {len(found)} items of the base spec",
                              f"add {keys} to say which one")
        return found[0] if found else None

    def _error(self, path: SpecPath, message: str, hint: str) -> SpecError:
        return SpecError([self.overlay.issue(path, message, hint)])


def _item_key(base: list, over: list) -> str | None:
    """The key that names every item of both lists (so they merge item by item), or None (replace)."""
    items = base + over
    if not base or not all(isinstance(i, dict) for i in items):
        return None
    return next((k for k in NAME_KEYS if all(isinstance(i.get(k), str) for i in items)), None)


def _singular(path: SpecPath) -> str:
    """What one item of the list at `path` is called: `alert_groups` -> `alert group`, as the checks say it."""
    name = next(str(p) for p in reversed(path) if isinstance(p, str))
    return "SLO" if name == "slos" else name.removesuffix("s").replace("_", " ")


def _incomplete(out: LayeredSource, path: SpecPath, key: str, item: dict, base: list) -> SpecIssue | None:
    """The issue for an added item that is not whole and lacks keys, or whose name is near a base item's: it
    most likely meant a base item (a misspelt name, a severity the spec's twins do not have), so it says so
    instead of 'missing expr'. A whole new item is an addition; other items are left to the checks."""
    problems = _problems(path, item)
    if not problems:
        return None
    what, name = _singular(path), item[key]
    twins = [b for b in base if b.get(key) == name]
    narrowed = [k for k in NARROWING_KEYS if k in item]
    missing = [p.removeprefix("missing ") for p in problems if p.startswith("missing ")]
    if twins and narrowed:
        have = sorted({", ".join(f"{k} {b.get(k)}" for k in narrowed) for b in twins})
        message = f"{out.layers[0]} has no {what} '{name}' with {', '.join(f'{k} {item[k]}' for k in narrowed)}"
        near = f"its {what}s '{name}' have {' or '.join(have)}"
    else:
        message, near = f"{out.layers[0]} has no {what} '{name}' to override", did_you_mean(name, [b[key] for b in base])
    if not (near or missing):
        return None
    new = (f"a new {what} needs {', '.join(missing[:3])}{' and more' if len(missing) > 3 else ''}" if missing
           else f"as a new {what}: {problems[0]}")
    return out.issue(path, message, f"{near} {new[0].upper()}{new[1:]}" if near.endswith("?") else
                     "; ".join(h for h in (near, new) if h))


def _problems(path: SpecPath, item: dict) -> list[str]:
    """Why `item` is not an item of the list at `path` on its own, as the spec's models say (`missing 'expr'`,
    `missing 'alerts[Up].expr'` when deeper); [] when it is, or the list is not the spec's."""
    from pydantic import TypeAdapter, ValidationError

    from stackgen.spec.structure import _annotation_at, plugins_off

    model = _annotation_at(path)[0]
    if model is None:
        return []
    try:
        with plugins_off():
            TypeAdapter(model).validate_python(item)
    except ValidationError as exc:
        return [f"missing '{format_path(tuple(e['loc']), item)}'" if e["type"] == "missing"
                else ": ".join(filter(None, (format_path(tuple(e["loc"]), item), e["msg"].removeprefix("Value error, "))))
                for e in exc.errors(include_url=False)]
    return []


def _without_patch(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != PATCH_KEY}
