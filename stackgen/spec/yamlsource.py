"""YAML to plain data, remembering the line of every value so errors can point at it.

PyYAML's composer keeps aliases as shared nodes; we expand them ourselves under a budget of
values reached again through an alias, so an alias bomb fails fast with bounded memory instead of
exhausting it. Values written out are bounded by MAX_BYTES, so a large honest spec never hits it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from stackgen.errors import SpecError, SpecIssue
from stackgen.spec.yamlstream import stream_data

MAX_ALIAS_VALUES = 100_000
MAX_DEPTH = 64
MAX_BYTES = 5 * 1024 * 1024
EMPTY_SPEC = "the spec is empty"  # an overlay says it in its own words

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
        return SpecIssue(self.file, self.line(path), format_path(path, self.data), message, hint)

    def place(self, path: Path) -> str:
        """Where `path` is, for a hint that points from one value to another: `on line 12`."""
        return f"on line {self.line(path)}"

    def deleted_at(self, what: str, name: str) -> str:
        """Where an overlay deleted the `what` named `name` (`file:line`): never, in a spec read alone."""
        return ""


NAME_KEYS = ("name", "record", "uid", "title")  # what identifies a list item to a person


def format_path(path: Path, data: Any = None) -> str:
    """`alert_groups[sdwan].alerts[PathDown].expr`: list items by their name where they have one."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            label = next((item[k] for k in NAME_KEYS if isinstance(item, dict) and isinstance(item.get(k), str)), None)
            if out == "slos" and label and isinstance(item, dict) and isinstance(item.get("service"), str):
                label = f"{item['service']}-{label}"  # an SLO is known by its id, as in its series' sloth_id
            out += f"[{label}]" if label else f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
        node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
    return out


def _has(node: Any, part: Any) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and part < len(node)


def _fail(file: str, line: int | None, message: str, hint: str = "", path: Path = ()) -> SpecError:
    return SpecError([SpecIssue(file, line, format_path(path), message, hint)])


# libyaml is ~10x faster than the pure-Python parser, and caps nesting at 1000 levels itself
# instead of exhausting Python's recursion limit; both give the same nodes and marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _paths(text: str) -> Iterator[tuple[yaml.NodeEvent, Path, int]]:
    """Each value's parser event, its spec path and how many collections enclose it. The parser keeps its
    own stack, so this is safe at any depth; a syntax error ends it with yaml.YAMLError."""
    stack: list[list] = []  # one frame per open collection: [kind, current key or index, next is a key]
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
        elif isinstance(event, yaml.NodeEvent):
            frame = stack[-1] if stack else None
            if frame and frame[0] == "seq":
                frame[1] += 1
            elif frame and frame[2]:
                frame[1] = event.value if isinstance(event, yaml.ScalarEvent) else "?"
            yield event, tuple(f[1] for f in stack if f[1] is not None), len(stack)
            if frame and frame[0] == "map":
                frame[2] = not frame[2]
            if isinstance(event, yaml.MappingStartEvent):
                stack.append(["map", None, True])
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append(["seq", -1, False])


def _path_near(text: str) -> Path:
    """The spec path of the last value the parser read in `text`: where a syntax error is, near enough."""
    last: Path = ()
    try:
        for _, path, _ in _paths(text):
            last = path
    except yaml.YAMLError:
        pass
    return last


def _composing_may_overflow() -> bool:
    """Whether composing could nest as deep as the text does: the pure-Python composer recurses once per
    level (a RecursionError, which has no line), and libyaml before 0.2.5 sets no cap of its own (composing
    200,000 levels killed the interpreter)."""
    if LOADER is yaml.SafeLoader:
        return True
    from yaml import _yaml

    return tuple(_yaml.get_version()) < (0, 2, 5)


def _refuse_deep_nesting(text: str, file: str) -> None:
    """Refuse a value nested deeper than MAX_DEPTH before composing, at its line."""
    try:
        for event, path, depth in _paths(text):
            if depth > MAX_DEPTH:
                raise _too_deep(file, event.start_mark.line + 1 if event.start_mark else None, path)
    except yaml.YAMLError:
        return  # a syntax error: composing reports it, at its line


def _too_deep(file: str, line: int | None, path: Path) -> SpecError:
    return _fail(file, line, f"nesting is deeper than {MAX_DEPTH} levels",
                 "a spec never needs this depth; check the indentation and brackets", path)


def _syntax_hint(text: str, line: int | None, problem: str) -> str:
    bad_line = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    if "\t" in bad_line[: len(bad_line) - len(bad_line.lstrip())] or "\t" in problem:
        return "a tab indents this line; YAML indents with spaces, never tabs"
    if "nesting depth" in problem:
        return "a spec never needs this depth; check the brackets"
    return "check indentation, colons, brackets and quotes around this line"


def parse_yaml(text_bytes: bytes, file: str) -> Source:
    if len(text_bytes) > MAX_BYTES:
        raise _fail(file, None, f"file is {len(text_bytes)} bytes, over the {MAX_BYTES}-byte limit",
                    "split the spec or remove generated content")
    try:
        text = text_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad_line = text_bytes[: exc.start].count(b"\n") + 1
        raise _fail(file, bad_line, f"not valid UTF-8 (byte 0x{text_bytes[exc.start]:02x})",
                    "save the spec as UTF-8", _path_near(text_bytes[: exc.start].decode("utf-8", "replace"))) \
            from None
    if not text.strip():
        raise _fail(file, 1, EMPTY_SPEC, "start from `stackgen init`")
    with _collector_paused():
        streamed = stream_data(text, LOADER, MAX_DEPTH)  # a plain document, without a node tree
    return Source(file, *streamed) if streamed is not None else parse_nodes(text, file)


def parse_nodes(text: str, file: str) -> Source:
    """A document through PyYAML's node tree: every document, with the checks of aliases, tags and nesting."""
    if _composing_may_overflow():
        _refuse_deep_nesting(text, file)
    try:
        with _collector_paused():
            node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        raise _fail(file, line, f"invalid YAML: {problem}", _syntax_hint(text, line, problem), _path_near(text)) \
            from None
    except yaml.YAMLError as exc:
        raise _fail(file, None, f"invalid YAML: {exc}") from None
    except RecursionError:  # the pure-Python parser nests on the call stack
        raise _fail(file, None, "nesting is too deep to parse", "a spec never needs this depth") from None
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG and not node.value):
        # only comments, or an empty document after `---`
        raise _fail(file, 1, EMPTY_SPEC, "start from `stackgen init`")
    source = Source(file, None)
    with _collector_paused():
        source.data = _Builder(source).build(node, ())
    return source


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the node tree and the data are built.

    Both are trees of fresh objects that all survive; each collection rescans every one built so far, so
    loading time grew faster than the spec: 100 times the spec took far more than 100 times as long.
    Nothing built here forms a cycle, so pausing frees nothing late.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.aliased = 0  # values built a second time or more, through an alias
        self.seen: set[int] = set()
        self.constructor = SafeConstructor()
        self.open: set[int] = set()  # collections being built: meeting one again means a recursive alias

    def build(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self.seen:  # reached again through an alias: count it, and refuse a loop
            self.aliased += 1
            if self.aliased > MAX_ALIAS_VALUES:
                raise _fail(self.source.file, line, f"aliases expand to over {MAX_ALIAS_VALUES} values",
                            "YAML aliases (*name) may be nested too deeply; write the values out", path)
            if id(node) in self.open:
                raise _fail(self.source.file, line, "recursive alias: this value contains itself",
                            "a spec is a tree; write the nested value out instead of referring back to it", path)
        else:
            self.seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _too_deep(self.source.file, line, path)
        self.source.lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, line)
        if node.tag not in _PLAIN_TAGS:  # the safe loader would build a plain list and drop the tag
            raise _fail(self.source.file, line, f"YAML tag '{node.tag}' is not allowed in a spec",
                        "remove the tag: a spec holds plain mappings, lists and values", path)
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, depth)
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        finally:
            self.open.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode, path: Path, line: int) -> Any:
        if node.tag == _STR_TAG:
            return node.value  # what the constructor returns for a string, without its bookkeeping per node
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise _fail(self.source.file, line, f"invalid value: {getattr(exc, 'problem', exc)}", "", path) \
                from None
        except (ValueError, OverflowError, KeyError, AttributeError) as exc:  # a date that is none (2001-02-30),
            # or a value its explicit tag cannot read (`!!bool maybe`, `!!timestamp x`)
            kind = node.tag.rpartition(":")[2]
            detail = str(exc) if isinstance(exc, (ValueError, OverflowError)) else f"not a {kind}"
            hint = ("quote it to keep it as text, or write a real date" if kind == "timestamp"  # plain or tagged
                    else f"write a value !!{kind} reads, or remove the tag")  # only a written tag gets here
            raise _fail(self.source.file, line, f"invalid value '{node.value}': {detail}", hint, path) from None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict:
        try:
            self.constructor.flatten_mapping(node)
        except yaml.MarkedYAMLError as exc:  # `<<: 1`: PyYAML merges only mappings, and its error has no spec path
            mark = exc.problem_mark or node.start_mark
            raise _fail(self.source.file, mark.line + 1, f"invalid merge key: {exc.problem}",
                        "give `<<:` a mapping or a list of mappings, such as `<<: *defaults`, or write the keys out",
                        path + ("<<",)) from None
        out: dict = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, path, depth + 1)
            if not isinstance(key, str):  # every spec key is a name: `1:` or `null:` is one, spelt as written
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key)
            if key in out:
                raise _fail(self.source.file, key_node.start_mark.line + 1, f"duplicate key '{key}'",
                            f"first on line {self.source.lines[path + (key,)]}; each key may appear once "
                            "in a mapping: merge the two entries", path + (key,))
            self.source.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, path + (key,), depth + 1)
        return out
