"""Spec format v1 as typed models: the one description of the format; the JSON Schema is generated from them.

The models live in `stackgen.spec.v1.document` and the modules it imports; this package root stays free of
them, so the version string can be read without building the models.
"""

from typing import Final, Literal

ApiVersion = Literal["stackgen/v1"]
API_VERSION: Final = "stackgen/v1"  # the one value of ApiVersion, for messages and the starter spec
