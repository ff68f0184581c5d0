"""Spec format v1 as typed models: the one description of the format; the JSON Schema is generated from them.

The models live in `stackgen.spec.v1.document` and the modules it imports; this package root stays free of
them, so the version string can be read without building the models.
"""

from typing import Final

API_VERSION: Final = "stackgen/v1"
