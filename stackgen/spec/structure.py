"""Structural validation: the typed models read the spec, and their errors become messages a person can act on.

pydantic reports where a value broke a model (`loc`) and how (`type`); this module turns each report into the
spec's own words (`file:line: path: expected a number, got 'x' (hint)`), finding what the field allows (its
keys, choices, format) by following `loc` through the models' annotations.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from stackgen.errors import SpecError, SpecIssue
from stackgen.spec.suggest import did_you_mean
from stackgen.spec.v1 import API_VERSION
from stackgen.spec.v1.common import Format
from stackgen.spec.v1.document import SpecV1
from stackgen.spec.yamlsource import Source

PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
_TYPE_ERRORS = {"string_type": "a string", "int_type": "a whole number", "float_type": "a number",
                "finite_number": "a finite number",
                "bool_type": "true or false", "dict_type": "a mapping (key: value)",
                "model_type": "a mapping (key: value)", "model_attributes_type": "a mapping (key: value)",
                "tuple_type": "a list (- item)", "list_type": "a list (- item)",
                "number_or_mapping": "a number, or a mapping with 'value:'",
                "number_or_name": "a number, or the name of a spec threshold"}
_TYPE_NAMES = {str: "a string", int: "a whole number", bool: "true or false", float: "a number", dict: _TYPE_ERRORS[
    "dict_type"], tuple: _TYPE_ERRORS["tuple_type"], list: _TYPE_ERRORS["tuple_type"]}


def describe(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_spec(source: Source) -> SpecV1:
    """The typed spec of a parsed document, or a SpecError naming every structural problem in file order."""
    if not isinstance(source.data, dict):
        raise SpecError([source.issue((), f"the spec must be a mapping at the top level, got {describe(source.data)}",
                                      f"start with 'apiVersion: {API_VERSION}'")])
    try:
        with plugins_off():
            return SpecV1.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        misspelt = _misspelt_keys(errors)
        located = [(_where(e), e) for e in errors if not _echo(e) and not _misspelt(e, misspelt)]
        located.sort(key=lambda item: (source.line(item[0]) or 0, len(item[0])))
        raise SpecError([_issue(source, path, error) for path, error in located]) from None


@contextmanager
def plugins_off() -> Iterator[None]:
    """No pydantic plugins while the spec's models build their validators (on first use): finding plugins reads
    the metadata of every installed package, and the spec's own models are not what a plugin is for. typer
    does the same for its own validators."""
    before = os.environ.get(PLUGINS_VARIABLE)
    os.environ[PLUGINS_VARIABLE] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ[PLUGINS_VARIABLE]
        else:
            os.environ[PLUGINS_VARIABLE] = before


def _echo(error: ErrorDetails) -> bool:
    """A list is 'too short' when its items failed and were dropped: those items are already reported."""
    return error["type"] == "too_short" and len(error["input"]) >= error.get("ctx", {}).get("min_length", 0)


def _misspelt_keys(errors: list[ErrorDetails]) -> set[tuple[tuple[Any, ...], str]]:
    """(mapping, key) of each missing key that an unknown key in the same mapping is a misspelling of:
    the unknown key's hint already says what to write, so 'missing' would say it twice."""
    missing = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors if e["type"] == "missing"}
    found = set()
    for error in errors:
        if error["type"] == "extra_forbidden":
            parent, key = tuple(error["loc"][:-1]), str(error["loc"][-1])
            found |= {(parent, name) for p, name in missing if p == parent and did_you_mean(key, [name])}
    return found


def _misspelt(error: ErrorDetails, misspelt: set[tuple[tuple[Any, ...], str]]) -> bool:
    return error["type"] == "missing" and (tuple(error["loc"][:-1]), str(error["loc"][-1])) in misspelt


def _where(error: ErrorDetails) -> tuple[Any, ...]:
    """The spec path an error is about: a bad mapping key is reported on the mapping, a missing key on its parent."""
    loc = tuple(error["loc"])
    if loc[-1:] == ("[key]",):
        return loc[:-2]
    return loc[:-1] if error["type"] == "missing" else loc


def _issue(source: Source, path: tuple[Any, ...], error: ErrorDetails) -> SpecIssue:
    kind, value, loc = error["type"], error["input"], tuple(error["loc"])
    target, fmt = _annotation_at(loc)
    if kind == "missing":
        return source.issue(path, f"missing required key '{loc[-1]}'", f"add '{loc[-1]}:' here")
    if kind == "extra_forbidden":
        allowed = sorted(_keys(_annotation_at(loc[:-1])[0]))
        hint = did_you_mean(loc[-1], allowed) or f"allowed keys: {', '.join(allowed)}"
        return source.issue(path, f"unknown key '{loc[-1]}'", hint)
    if path == ("apiVersion",):
        return source.issue(path, f"unsupported apiVersion {describe(value)}", f"this stackgen reads '{API_VERSION}'")
    if kind == "literal_error":
        choices = typing.get_args(target)
        return source.issue(path, f"{describe(value)} is not one of: {', '.join(map(str, choices))}",
                            did_you_mean(value, choices))
    if kind in _TYPE_ERRORS or kind == "null_value":
        want = _TYPE_ERRORS.get(kind) or _expected(target)
        hints = [_yaml_reading(kind, value), "" if fmt in want else fmt]
        return source.issue(path, f"expected {want}, got {describe(value)}", "; ".join(h for h in hints if h))
    return source.issue(path, *_constraint(kind, value, error, fmt))


def _yaml_reading(kind: str, value: Any) -> str:
    """Why YAML read the value as something else than the user wrote: the hint says how to keep it as written."""
    if value is None:
        return ("YAML reads an empty value, and one starting with # (a comment), as null: "
                "write the value, in quotes if it starts with #, e.g. \"#alerts\"")
    if isinstance(value, bool) and kind == "string_type":
        return "YAML reads unquoted yes, no, on, off, true and false as booleans: quote the word, e.g. 'on'"
    if kind == "float_type" and isinstance(value, str):
        return "write the number alone, without quotes or a unit"
    if kind == "finite_number":
        return "YAML reads .inf and .nan as infinity and not-a-number: write the number itself"
    return ""


def _constraint(kind: str, value: Any, error: ErrorDetails, fmt: str) -> tuple[str, str]:
    """(message, hint) for a value of the right type that breaks a rule of its field."""
    ctx = error.get("ctx", {})
    if kind == "string_pattern_mismatch":
        return f"{describe(value)} is not valid here: expected {fmt or 'the pattern ' + str(ctx.get('pattern'))}", ""
    if kind == "string_too_long":
        return (f"{describe(value)} is {len(value)} characters long, over the limit of {ctx['max_length']}",
                "shorten it; long prose belongs in the runbook or docs")
    if kind == "too_short":
        return f"{describe(value)} is empty", "add at least one"
    if kind == "greater_than_equal":
        return f"{describe(value)} is below the minimum of {ctx['ge']}", ""
    if kind == "less_than_equal":
        return f"{describe(value)} is above the maximum of {ctx['le']}", ""
    if kind == "unique_items":
        return error["msg"], "list each one once"
    return error["msg"], ""


def _unwrap(annotation: Any) -> tuple[Any, str]:
    """The type under Annotated and Optional, and the Format its metadata declares."""
    fmt = ""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            fmt = next((m.text for m in annotation.__metadata__ if isinstance(m, Format)), fmt)
            annotation = annotation.__origin__
        elif typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in typing.get_args(
                annotation):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else typing.Union[tuple(members)]
        else:
            return annotation, fmt


def _keys(model: Any) -> list[str]:
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [field.alias or name for name, field in model.model_fields.items()]
    return []


def _annotation_at(loc: tuple[Any, ...]) -> tuple[Any, str]:
    """Follow an error's location through the models: the annotation found there and its Format."""
    annotation: Any = SpecV1
    fmt = ""
    for i, part in enumerate(loc):
        annotation, fmt = _unwrap(annotation)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = next((f for n, f in annotation.model_fields.items() if (f.alias or n) == part), None)
            if field is None:
                return None, ""
            fmt = next((m.text for m in field.metadata if isinstance(m, Format)), "")
            annotation = field.annotation
        elif origin in (tuple, list) and args:
            annotation = args[0]
        elif origin is dict and args:
            annotation = args[0] if loc[i + 1:i + 2] == ("[key]",) else args[1]
        elif part == "[key]":
            continue
        else:
            return None, fmt
    annotation, inner = _unwrap(annotation)
    return annotation, inner or fmt


def _expected(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return "one of: " + ", ".join(map(str, typing.get_args(annotation)))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _TYPE_ERRORS["dict_type"]
    return _TYPE_NAMES.get(typing.get_origin(annotation) or annotation, "a number")
