"""Rendered documents turned into bytes: what the writer writes and `--check` compares.

Every YAML file gets the 'generated, do not edit' header; JSON (dashboards) stays plain so Grafana and
other tools read it as it is; prose (the guide) carries its own header in its own syntax.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from stackgen.output.serialize import dump_json, dump_yaml, header
from stackgen.targets.base import Document


@dataclass
class Artifacts:
    """`files` live in the output folder; `root_files` beside it (the compose file). Paths use `/`.

    `source` is the spec's name as the headers give it.
    """

    source: str
    files: dict[str, bytes] = field(default_factory=dict)
    root_files: dict[str, bytes] = field(default_factory=dict)


def serialise_document(document: Document, source: str) -> bytes:
    """One document's bytes; `source` is the spec's name, for the header."""
    if document.format == "json":
        return dump_json(document.data)
    if document.format == "text":
        if not isinstance(document.data, str):
            raise TypeError(f"{document.path}: a text document holds a str, not {type(document.data).__name__}")
        return document.data.encode("utf-8")
    if document.comments:
        return (header(source) + document.comments).encode("utf-8") + dump_yaml(document.data, None)
    return dump_yaml(document.data, source)


def serialise(documents: Iterable[Document], source: str) -> Artifacts:
    """Every document as bytes, keyed by path and in path order, in the folder or beside it as the document says.

    Each document is serialised as it comes and not kept: from a generator, only its bytes outlive it."""
    serialised = sorted(((document.beside, document.path, serialise_document(document, source))
                         for document in documents), key=lambda entry: entry[:2])
    artifacts = Artifacts(source)
    for beside, path, data in serialised:
        (artifacts.root_files if beside else artifacts.files)[path] = data
    return artifacts
