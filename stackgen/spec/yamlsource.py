"""YAML to plain data, remembering the line of every value so errors can point at it.

PyYAML's composer keeps aliases as shared nodes; we expand them ourselves under a node
budget so an alias bomb fails fast with bounded memory instead of exhausting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from stackgen.errors import SpecError, SpecIssue

MAX_NODES = 200_000
MAX_DEPTH = 64
MAX_BYTES = 5 * 1024 * 1024

Path = tuple  # a spec path: keys and list indexes from the root


@dataclass
class Source:
    """A loaded spec document: its data and the line of each path in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest ancestor the loader saw."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def issue(self, path: Path, message: str, hint: str = "") -> SpecIssue:
        return SpecIssue(self.file, self.line(path), format_path(path), message, hint)


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _fail(file: str, line: int | None, message: str, hint: str = "") -> SpecError:
    return SpecError([SpecIssue(file, line, "", message, hint)])


def parse_yaml(text_bytes: bytes, file: str) -> Source:
    if len(text_bytes) > MAX_BYTES:
        raise _fail(file, None, f"file is {len(text_bytes)} bytes, over the {MAX_BYTES}-byte limit",
                    "split the spec or remove generated content")
    try:
        text = text_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = text_bytes[: exc.start].count(b"\n") + 1
        raise _fail(file, line, f"not valid UTF-8 (byte 0x{text_bytes[exc.start]:02x})",
                    "save the spec as UTF-8") from None
    if not text.strip():
        raise _fail(file, 1, "the spec is empty", "start from `stackgen init`")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        hint = "YAML indents with spaces, never tabs" if "\t" in problem or "tab" in problem.lower() else \
            "check indentation, colons and quotes around this line"
        raise _fail(file, line, f"invalid YAML: {problem}", hint) from None
    except yaml.YAMLError as exc:
        raise _fail(file, None, f"invalid YAML: {exc}") from None
    source = Source(file, None)
    source.data = _Builder(source).build(node, ())
    return source


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.count = 0
        self.constructor = SafeConstructor()

    def build(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        self.count += 1
        line = node.start_mark.line + 1
        if self.count > MAX_NODES:
            raise _fail(self.source.file, line, f"the document expands to over {MAX_NODES} values",
                        "YAML aliases (*name) may be nested too deeply; write the values out")
        if depth > MAX_DEPTH:
            raise _fail(self.source.file, line, f"nesting is deeper than {MAX_DEPTH} levels",
                        "a spec never needs this depth; check the indentation")
        self.source.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise _fail(self.source.file, line, f"invalid value: {getattr(exc, 'problem', exc)}") from None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict:
        self.constructor.flatten_mapping(node)
        out: dict = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, path, depth + 1)
            if not isinstance(key, (str, int, float, bool)) or isinstance(key, bool):
                key = str(key)
            if key in out:
                raise _fail(self.source.file, key_node.start_mark.line + 1,
                            f"{format_path(path + (key,))}: duplicate key '{key}'",
                            "each key may appear once in a mapping; merge the two entries")
            self.source.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out
