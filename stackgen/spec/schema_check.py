"""Structural validation against the JSON Schema, with messages a person can act on."""

from __future__ import annotations

import difflib

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from stackgen.errors import SpecIssue
from stackgen.spec.schema import API_VERSION, SCHEMA
from stackgen.spec.yamlsource import Source

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
_TYPE_NAMES = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "object": "a mapping (key: value)", "array": "a list (- item)", "null": "nothing"}


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _describe(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _issue(source: Source, error: ValidationError) -> SpecIssue:
    path = tuple(error.absolute_path)
    schema, value = error.schema, error.instance
    kind = error.validator
    if kind in ("oneOf", "anyOf") and error.context:
        return _issue(source, best_match(error.context))
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(k for k in value if k not in schema.get("properties", {}))
        key = extra[0]
        hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
        return source.issue(path + (key,), f"unknown key '{key}'", hint)
    if kind == "required":
        missing = error.message.split("'")[1]
        return source.issue(path, f"missing required key '{missing}'", f"add '{missing}:' here")
    if kind == "type":
        want = schema["type"]
        want = " or ".join(_TYPE_NAMES.get(t, t) for t in (want if isinstance(want, list) else [want]))
        return source.issue(path, f"expected {want}, got {_describe(value)}", schema.get("description", ""))
    if kind == "enum":
        options = ", ".join(str(o) for o in schema["enum"])
        return source.issue(path, f"{_describe(value)} is not one of: {options}",
                            did_you_mean(value, schema["enum"]))
    if kind == "const" and path == ("apiVersion",):
        return source.issue(path, f"unsupported apiVersion {_describe(value)}", f"this stackgen reads '{API_VERSION}'")
    if kind == "pattern":
        what = schema.get("description") or f"the pattern {schema['pattern']}"
        return source.issue(path, f"{_describe(value)} is not valid here: expected {what}")
    if kind == "maxLength":
        return source.issue(path, f"{_describe(value)} is {len(value)} characters long, over the limit of "
                                  f"{schema['maxLength']}", "shorten it; long prose belongs in the runbook or docs")
    if kind in ("maxLength", "minItems", "minProperties", "minimum", "maximum", "uniqueItems"):
        return source.issue(path, f"{_describe(value)}: {error.message.split(' is ', 1)[-1]}")
    return source.issue(path, error.message)


def _line_key(source: Source, error: ValidationError) -> tuple:
    return (source.line(tuple(error.absolute_path)) or 0, len(error.absolute_path))


def check_schema(source: Source) -> list[SpecIssue]:
    if not isinstance(source.data, dict):
        return [source.issue((), f"the spec must be a mapping at the top level, got {_describe(source.data)}",
                             f"start with 'apiVersion: {API_VERSION}'")]
    errors = sorted(_VALIDATOR.iter_errors(source.data), key=lambda e: _line_key(source, e))
    return [_issue(source, e) for e in errors]
