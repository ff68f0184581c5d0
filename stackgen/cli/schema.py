"""`stackgen schema`: print the spec format's JSON Schema, for editors and CI checks."""

import sys


def schema() -> None:
    """Print the JSON Schema of the spec format, for editor completion and checks."""
    from stackgen.output.serialize import dump_json
    from stackgen.spec.schema import json_schema

    sys.stdout.write(dump_json(json_schema()).decode())
