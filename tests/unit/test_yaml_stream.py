"""The streaming reader gives the node-based reader's data and lines, or gives the document back to it.

`parse_yaml` reads a plain document from the parser's events and leaves everything else to `parse_nodes`;
whichever reads a document, the data and the line of every path must be the same, so every message that
points at a line is too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from stackgen.spec.yamlsource import _LOADER, MAX_DEPTH, parse_nodes, parse_yaml
from stackgen.spec.yamlstream import stream_data

CATALOG = sorted((ROOT / "stackgen" / "spec" / "exporters").glob("*.yaml"))


def streamed(text: str) -> tuple[object, dict[tuple, int]] | None:
    return stream_data(text, _LOADER, MAX_DEPTH)


def assert_same_as_nodes(text: str) -> None:
    got = streamed(text)
    assert got is not None, "a plain document is read from the events"
    expected = parse_nodes(text, "spec.yaml")
    assert got[0] == expected.data
    assert got[1] == expected.lines


@pytest.mark.parametrize("path", [*SPECS, *CATALOG], ids=lambda p: p.name)
def test_every_example_spec_and_catalog_file_reads_the_same_from_the_events(path: Path) -> None:
    assert_same_as_nodes(path.read_text(encoding="utf-8"))


def test_parse_yaml_takes_the_streamed_data_and_lines() -> None:
    text = "a:\n  - 1\n  - 'two'\n  - {b: null, c: [true, 1.5]}\nd: |\n  text\n"
    source = parse_yaml(text.encode(), "spec.yaml")
    assert source.data == {"a": [1, "two", {"b": None, "c": [True, 1.5]}], "d": "text\n"}
    assert source.lines == parse_nodes(text, "spec.yaml").lines
    assert source.line(("a", 2, "c", 1)) == 4


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=12), st.sampled_from(["yes", "off", "0x1F", "1e3", "~", "2001-02-03", "- a"]))
KEYS = st.text(alphabet="abcdefgh_-. :#", min_size=1, max_size=8).filter(lambda k: k.strip() not in ("", "<<", "="))
DOCS = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
                    max_leaves=25)


@settings(max_examples=150, deadline=None)
@given(doc=st.dictionaries(KEYS, DOCS, min_size=1, max_size=5), flow=st.booleans())
def test_any_plain_document_reads_the_same_from_the_events(doc: dict, flow: bool) -> None:
    text = yaml.safe_dump(doc, default_flow_style=flow, sort_keys=False, allow_unicode=True)
    expected = parse_nodes(text, "spec.yaml")
    got = streamed(text)
    if got is None:  # a key YAML reads as something else than a string (`null`, `1`): the node reader's to judge
        assert any(not isinstance(k, str) for k in _keys(yaml.safe_load(text)))
        return
    assert got == (expected.data, expected.lines)


def _keys(data: object) -> list[object]:
    if isinstance(data, dict):
        return [*data, *(k for v in data.values() for k in _keys(v))]
    if isinstance(data, list):
        return [k for v in data for k in _keys(v)]
    return []


UNUSUAL = {
    "an anchor and an alias": "a: &x {b: 1}\nc: *x\n",
    "a tag": "a: !!str 1\n",
    "a tag on a mapping": "a: !!map {b: 1}\n",
    "a merge key": "a: {b: 1}\nc:\n  <<: {b: 2}\n",
    "a key written twice": "a: 1\na: 2\n",
    "a key YAML reads as null": "null: 1\n",
    "a key YAML reads as a number": "a:\n  1: x\n",
    "a mapping as a key": "? {a: 1}\n: b\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "one scalar": "just text\n",
    "only a comment": "# nothing\n",
    "a syntax error": "a: [1, 2\n",
    "a value YAML cannot build": "a: 2001-02-30\n",
    "nesting deeper than the limit": "a:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH + 2)),
}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_anything_but_a_plain_document_is_left_to_the_node_reader(text: str) -> None:
    assert streamed(text) is None
