"""The streaming reader gives the node-based reader's data and lines, or gives the document back to it.

`parse_yaml` reads a plain document from the parser's events and leaves everything else to `parse_nodes`;
whichever reads a document, the data and the line of every path must be the same, so every message that
points at a line is too.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS
from hypothesis import given, settings
from hypothesis import strategies as st

from stackgen.errors import SpecError
from stackgen.spec.yamlsource import LOADER, MAX_DEPTH, parse_nodes, parse_yaml
from stackgen.spec.yamlstream import stream_data

CATALOG = sorted((ROOT / "stackgen" / "spec" / "exporters").glob("*.yaml"))


def streamed(text: str) -> tuple[object, dict[tuple, int]] | None:
    return stream_data(text, LOADER, MAX_DEPTH)


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


# Spec-like text in the styles people write, safe_dump never does: comments, block scalars, flow collections in
# block ones, document markers, YAML 1.1 words, merge keys and anchors, and now and then a fragment that breaks it.
VALUES = ("a", "b c", "'q'", '"d\\n"', "1", "1.5", "null", "~", "", "yes", "Off", "2001-02-03", ".nan", "0o17", "0x1f",
          "1_000", "12:30:00", "x # note", "[a, 1, null]", "{a: 1, b: [x]}", "[]", "{}")
UNUSUAL_VALUES = ("&x 1", "*x", "!!str 1", "!t v", "{a: 1", "- a", "a: b: c", "\t1", "`x", "2001-02-30", "= ")
KEYS_WRITTEN = ("a", "b", "c d", "'q'", '"k"', "x.y", "e-f", "g_h")
UNUSUAL_KEYS = ("1", "null", "yes", "<<", "~", "'1'", "? a")


def _pick(rnd: random.Random, usual: tuple[str, ...], unusual: tuple[str, ...]) -> str:
    return rnd.choice(unusual if rnd.random() < 0.05 else usual)


def _block(rnd: random.Random, indent: int, depth: int) -> str:
    """A value after `key:` or `-`: a scalar on the same line, or a mapping or list on the lines below."""
    pick = rnd.random()
    pad = " " * indent
    if depth > 3 or pick < 0.4:
        if rnd.random() < 0.1:
            return f" |\n{pad}  line\n{pad}  two"
        return " " + _pick(rnd, VALUES, UNUSUAL_VALUES)
    lines = []
    keys = rnd.sample(KEYS_WRITTEN, 3)  # distinct, but for an unusual one or the first again now and then
    for n in range(rnd.randint(1, 3)):
        if pick < 0.75:
            key = _pick(rnd, (keys[n],), (*UNUSUAL_KEYS, keys[0], keys[0]))
            lines.append(f"\n{pad}{key}:{_block(rnd, indent + 2, depth + 1)}")
        else:
            lines.append(f"\n{pad}-{_block(rnd, indent + 2, depth + 1)}")
        if rnd.random() < 0.1:
            lines.append(f"\n{pad}# a comment")
    return "".join(lines)


def _written(rnd: random.Random) -> str:
    body = f"top:{_block(rnd, 2, 0)}\n{_pick(rnd, KEYS_WRITTEN, UNUSUAL_KEYS)}:{_block(rnd, 2, 0)}"
    return rnd.choice(("", "---\n", "# head\n", "%YAML 1.1\n---\n")) + body + rnd.choice(("\n", "", "\n...\n"))


def _outcome(read) -> tuple:
    try:
        source = read()
    except SpecError as exc:
        return ("refused", [str(issue) for issue in exc.issues])
    return ("read", source.data, source.lines)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_any_text_is_read_or_refused_by_parse_yaml_exactly_as_by_the_node_reader(seed: int) -> None:
    # A seeded Random, not Hypothesis' own: its choices lean to the first of each list, and this text needs
    # the spread a person's typing has to reach both readers' every branch.
    text = _written(random.Random(seed))
    assert _outcome(lambda: parse_yaml(text.encode(), "spec.yaml")) == \
        _outcome(lambda: parse_nodes(text, "spec.yaml")), text
