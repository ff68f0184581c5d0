"""The JSON Schema `stackgen schema` prints is generated from the typed models: draft-07, every property
described, and it agrees with `validate` on real and broken specs."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml
from conftest import SPECS

from stackgen.spec.loader import default_spec_bytes
from stackgen.spec.schema import SCHEMA_ID, json_schema

DRAFT_07_KEYWORDS = {
    "$schema", "$id", "$ref", "$comment", "title", "description", "default", "readOnly", "examples", "definitions",
    "type", "enum", "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
    "maxLength", "minLength", "pattern", "items", "additionalItems", "maxItems", "minItems", "uniqueItems",
    "contains", "maxProperties", "minProperties", "required", "properties", "patternProperties",
    "additionalProperties", "dependencies", "propertyNames", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
    "format", "contentMediaType", "contentEncoding",
}


@pytest.fixture(scope="module")
def schema() -> dict:
    return json_schema()


def subschemas(node):
    """Every schema object inside `node`, `node` included (keys of properties are names, not keywords)."""
    if isinstance(node, list):
        for item in node:
            yield from subschemas(item)
    elif isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key in ("properties", "definitions"):
                for child in value.values():
                    yield from subschemas(child)
            elif key not in ("enum", "const", "default", "required", "examples"):
                yield from subschemas(value)


def test_the_schema_is_draft_07_and_keeps_its_address_title_and_description(schema):
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"] == "stackgen spec v1" and schema["description"]


def test_the_schema_uses_only_draft_07_keywords(schema):
    used = {key for node in subschemas(schema) for key in node}
    assert used - DRAFT_07_KEYWORDS == set()
    assert all(ref.startswith("#/definitions/") for node in subschemas(schema) if (ref := node.get("$ref")))


def test_every_property_has_a_description(schema):
    properties = [(name, prop) for node in subschemas(schema) for name, prop in node.get("properties", {}).items()]
    assert len(properties) > 150
    assert [name for name, prop in properties if not prop.get("description")] == []


def test_the_command_prints_the_generated_schema(cli, schema):
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schema


@pytest.mark.slow
def test_building_the_cli_does_not_build_the_models():
    import subprocess
    import sys

    # `stackgen --help` pays for none of these: the models, the model, the targets and renderers, the libraries.
    heavy = ["stackgen.spec.v1.document", "pydantic", "stackgen.model", "stackgen.targets.registry", "grafanalib",
             "jinja2", "yaml", "promql_parser", "prometheus_client", "bcrypt"]
    code = f"import sys, stackgen.cli.app; print(*[m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.split() == []


def test_the_cli_lists_exactly_the_registered_targets():
    from stackgen.targets.names import SUMMARIES
    from stackgen.targets.registry import TARGETS

    assert {name: t.summary for name, t in TARGETS.items()} == SUMMARIES


EXAMPLES = {path.stem: path.read_text() for path in SPECS}
EXAMPLES["embedded default"] = default_spec_bytes().decode()


@pytest.mark.parametrize("text", EXAMPLES.values(), ids=EXAMPLES.keys())
def test_the_schema_accepts_every_example_spec(schema, text):
    jsonschema.Draft7Validator(schema).validate(yaml.safe_load(text))


PATRONUS = EXAMPLES["patronus"]
# (id, text of the default spec, its replacement); each is refused by `validate` too (tests/test_bad_specs.py).
REFUSED = [
    ("an unsupported apiVersion", "apiVersion: stackgen/v1", "apiVersion: stackgen/v2"),
    ("a port that is not a number", "    port: 8443\n", "    port: eighty\n"),
    ("a misspelt top-level key", "exporters:\n", "exportres:\n"),
    ("a severity that is not one of the three", "        severity: info\n", "        severity: inf\n"),
    ("a duration in words", "        for: 30m\n", "        for: 30 minutes\n"),
    ("a threshold that is a string", "    value: 0.02\n", "    value: '0.02'\n"),
    ("a label listed twice", "    labels: [method, route, status]\n", "    labels: [method, method]\n"),
    ("an optional key written as null", "        for: 30m\n", "        for:\n"),
    ("an uppercase threshold name", "  site_capacity:\n", "  Site_capacity:\n"),
]


@pytest.mark.parametrize("old,new", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_the_schema_refuses_what_validate_refuses(schema, cli, tmp_path, old, new):
    assert old in PATRONUS
    text = PATRONUS.replace(old, new, 1)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(yaml.safe_load(text))
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    assert cli("validate", spec).exit_code == 2


def test_init_writes_the_schema_its_first_line_points_at(cli, schema, tmp_path):
    spec = tmp_path / "shop" / "stackgen.yaml"
    assert cli("init", spec).exit_code == 0
    pointer = spec.read_text().splitlines()[0].split("$schema=", 1)[1]
    written = json.loads((spec.parent / pointer).read_text())
    assert written == schema
    jsonschema.Draft7Validator(written).validate(yaml.safe_load(spec.read_text()))


def test_init_never_replaces_a_schema_file_that_is_not_stackgens(cli, tmp_path):
    mine = tmp_path / "stackgen.schema.json"
    mine.write_text('{"$id": "https://example.com/mine.json"}')
    result = cli("init", tmp_path / "stackgen.yaml")
    assert result.exit_code == 1
    assert "stackgen.schema.json: exists and is not a stackgen schema; stackgen init never overwrites it" \
        in result.stderr
    assert mine.read_text() == '{"$id": "https://example.com/mine.json"}'
    assert not (tmp_path / "stackgen.yaml").exists()
