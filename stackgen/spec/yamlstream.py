"""The common spec, read straight from the parser's events: no node tree is kept while the data is built.

A composed node tree holds a node and two marks per value: for a large spec, most of the memory of loading
it (about 70 MiB of a 3 MiB spec, beside the 30 MiB of the data itself) and time spent building it only to walk
it once. Most specs are plain mappings, lists and untagged scalars; this reader builds those from the events
and records the same lines as `yamlsource` does. Anything else (anchors, aliases, tags, merge keys, keys that
are not strings, a key written twice, deep nesting, several documents, a syntax error) makes it give up, and
the node-based reader in `yamlsource` reads the document again and reports on it as it always has.
"""

from __future__ import annotations

from typing import Any

from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

_STR_TAG = "tag:yaml.org,2002:str"


class Unusual(Exception):
    """The document has something the node-based reader must judge."""


def stream_data(text: str, loader_class: Any, max_depth: int) -> tuple[Any, dict[tuple, int]] | None:
    """(data, line of each path) of a plain document; None when the node-based reader must read it instead."""
    loader = loader_class(text)
    try:
        return _build(loader, max_depth)
    except Exception:  # Unusual, a YAMLError, a value the constructor refuses: the node reader judges them
        return None
    finally:
        loader.dispose()


def _build(loader: Any, max_depth: int) -> tuple[Any, dict[tuple, int]]:
    get_event, resolve = loader.get_event, loader.resolve
    get_event()  # the stream's start
    if not isinstance(get_event(), DocumentStartEvent):
        raise Unusual  # no document at all
    # A plain scalar whose first character no implicit resolver claims is a string (what `resolve` finds
    # after looking, when no resolver is registered for every character nor for a path).
    claimed = loader.yaml_implicit_resolvers
    shortcut = None not in claimed and not loader.yaml_path_resolvers
    lines: dict[tuple, int] = {}
    # One frame per open collection: [container, its path, the key whose value comes next (maps; None: a key)].
    stack: list[list[Any]] = []
    root: Any = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            if not stack:
                break
            continue
        if kind is AliasEvent or event.anchor is not None or event.tag is not None or len(stack) > max_depth:
            raise Unusual
        frame = stack[-1] if stack else None
        if kind is ScalarEvent:
            value = event.value
            if not event.implicit[0] or (shortcut and value[:1] not in claimed):
                tag = _STR_TAG
            else:
                tag = resolve(ScalarNode, value, event.implicit)
            if frame is not None and frame[2] is None and type(frame[0]) is dict:  # a mapping's key
                if tag != _STR_TAG or value in frame[0]:
                    raise Unusual  # not a plain string key (null, a number, a merge), or a duplicate
                frame[2] = value
                lines[frame[1] + (value,)] = event.start_mark.line + 1
                continue
            if frame is None:
                raise Unusual  # the document is one scalar: empty, or not a mapping
            if tag != _STR_TAG:
                value = loader.construct_object(ScalarNode(tag, value, event.start_mark, event.end_mark), deep=True)
            _place(frame, value, event, lines)
            continue
        if kind is not MappingStartEvent and kind is not SequenceStartEvent:
            raise Unusual
        container: Any = {} if kind is MappingStartEvent else []
        if frame is None:
            root, path = container, ()
            lines[()] = event.start_mark.line + 1
        elif type(frame[0]) is dict and frame[2] is None:
            raise Unusual  # a collection as a mapping's key
        else:
            path = _place(frame, container, event, lines)
        stack.append([container, path, None])
    if not isinstance(get_event(), DocumentEndEvent) or not isinstance(get_event(), StreamEndEvent):
        raise Unusual  # several documents
    return root, lines


def _place(frame: list[Any], value: Any, event: Any, lines: dict[tuple, int]) -> tuple:
    """Put `value` in the open collection `frame`; returns its path."""
    container, path, key = frame
    if type(container) is dict:
        container[key] = value
        frame[2] = None
        return path + (key,)  # its line is its key's
    here = path + (len(container),)
    container.append(value)
    lines.setdefault(here, event.start_mark.line + 1)
    return here
