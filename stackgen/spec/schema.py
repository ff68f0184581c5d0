"""The JSON Schema of the spec format, generated from the typed models; `stackgen schema` prints it for editors.

Built on demand, never at import: building the models costs time every command would pay. Declared
draft-07, which the YAML language server supports fully, so pydantic's output is rewritten into that dialect.
"""

from __future__ import annotations

from typing import Any

from stackgen.spec.v1 import API_VERSION

__all__ = ["API_VERSION", "SCHEMA_ID", "json_schema"]

SCHEMA_ID = "https://stackgen.dev/schema/v1.json"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
TITLE = "stackgen spec v1"
DESCRIPTION = "One declarative spec of what a system exposes and what should wake someone up."


def json_schema() -> dict[str, Any]:
    """The draft-07 JSON Schema of spec v1, every property described."""
    from pydantic.json_schema import GenerateJsonSchema
    from pydantic_core import core_schema

    from stackgen.spec.v1.document import SpecV1

    class Draft07(GenerateJsonSchema):
        def nullable_schema(self, schema: core_schema.NullableSchema) -> dict[str, Any]:
            # Optional keys may be left out, never written as null: the schema says so.
            return self.generate_inner(schema["schema"])

    generated = SpecV1.model_json_schema(by_alias=True, ref_template="#/definitions/{model}",
                                         schema_generator=Draft07, mode="validation")
    definitions = generated.pop("$defs", {})
    generated.pop("title", None)
    generated.pop("description", None)
    return {"$schema": DRAFT_07, "$id": SCHEMA_ID, "title": TITLE, "description": DESCRIPTION,
            **_draft07(generated), "definitions": {name: _draft07(d) for name, d in sorted(definitions.items())}}


def _draft07(node: Any) -> Any:
    """Rewrite pydantic's output into plain draft-07 that editors read the same way validators do."""
    if isinstance(node, list):
        return [_draft07(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if (key == "title" and isinstance(value, str)) or (key == "default" and value is None):
            continue  # a title per property repeats its name; editors show the description
        if key == "properties":
            out[key] = {name: _draft07(v) for name, v in value.items()}
        elif key == "patternProperties" and len(value) == 1 and "additionalProperties" not in node:
            # a mapping keyed by names: every key must match, so the pattern is a rule on the keys
            [(pattern, values)] = value.items()
            out["propertyNames"] = {**node.get("propertyNames", {}), "pattern": pattern}
            out["additionalProperties"] = _draft07(values)
        elif key != "propertyNames" or "patternProperties" not in node:
            out[key] = _draft07(value)
    if "$ref" in out and len(out) > 1:
        # draft-07 ignores keywords beside $ref, so the description would be lost
        out = {"allOf": [{"$ref": out.pop("$ref")}], **out}
    return out
