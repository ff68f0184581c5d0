"""The YAML and JSON writers write exactly the bytes PyYAML's safe dumper and `json.dumps` write with
stackgen's settings: checked on every golden file and on generated data full of strings YAML treats specially.
"""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stackgen.output import serialize
from stackgen.output.serialize import dump_json, dump_yaml, yaml_text

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_YAML = sorted(p for folder in ("generated", "tests/golden") for p in (ROOT / folder).rglob("*.yml")) \
    + [ROOT / "docker-compose.monitoring.yml"]
GOLDEN_JSON = sorted(p for folder in ("generated", "tests/golden") for p in (ROOT / folder).rglob("*.json"))

HOSTILE = [
    "", " ", "  ", "~", "null", "Null", "NULL", "yes", "no", "on", "off", "Yes", "NO", "true", "False", "y", "n",
    "1e3", "1.0e+3", "1_000", "0x1F", "0o17", "017", "1:30", "-1", "+1", ".5", "1.", ".inf", "-.inf", ".nan",
    "2024-01-01", "2001-12-14t21:59:43.10-05:00", "=", "<<", "-", "--", "---", "...", "- a", "? a", ": a", "a:",
    "a: b", "a #b", "a#b", "#", "# comment", "'", '"', "'quoted'", '"quoted"', "a'b", 'a"b', "\\", "{}", "[]",
    "{a: 1}", "[a, b]", "&anchor", "*alias", "!tag", "!!str", "%", "@", "`", "|", ">", ",", "a, b", "a,b",
    "\t", "a\tb", "\ttab", "trailing ", " leading", "a\n", "\n", "\n\n", "a\n\n", "a\nb", "a\nb\n", "a \nb",
    "a\n b", " a\nb", "a\nb ", "a\n\nb", "line\r\n", "a\x85b", "a\u2028b", "a\u2029b", "\ufeff", "\x00", "\x07",
    "\x1b[0m", "é", "日本", "emoji 🚀", "\u00a0", "nbsp\u00a0x", "{{ $value }}", "{{ $labels.instance }}",
    "rate(x[5m]) > 0.5", "sum by (a) (rate(b_total[5m]))", "http://a:9090/x?y=1#z", "a: {b}", "x" * 130,
]
_keys = st.one_of(st.sampled_from([h for h in HOSTILE if h]), st.text(min_size=1, max_size=12))
_strings = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40),
                     st.lists(st.sampled_from(HOSTILE + ["a", "b", " ", "\n"]), max_size=6).map("".join))
_scalars = st.one_of(_strings, st.integers(), st.floats(), st.booleans(), st.none())
_data = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(_keys, inner, max_size=4)), max_leaves=25)


def _same_as_pyyaml(data: Any) -> None:
    assert yaml_text(data) == serialize._pyyaml(data)


@pytest.mark.parametrize("golden", GOLDEN_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_golden_file_is_written_byte_for_byte_without_falling_back(golden: Path) -> None:
    text = golden.read_bytes()
    data = yaml.safe_load(text)
    written = serialize._BlockWriter().document(data)  # raises if it would hand the file to PyYAML
    assert written == serialize._pyyaml(data)
    assert written.encode("utf-8") in text  # the golden file is the header (if any) and these bytes


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_a_hostile_string_is_written_as_pyyaml_writes_it_as_a_value_a_key_and_a_list_item(value: str) -> None:
    _same_as_pyyaml({"key": value, "list": [value, {"nested": value}], "deep": {"a": [[value]]}})
    if value:
        _same_as_pyyaml({value: 1, "k": {value: [value]}})


EXAMPLES = int(os.environ.get("YAML_WRITER_EXAMPLES", "150"))  # more for a deeper search than the fast lane's


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_data.filter(lambda d: isinstance(d, (dict, list))))
def test_any_plain_data_is_written_as_pyyaml_writes_it_and_loads_back(data: Any) -> None:
    text = yaml_text(data)
    assert text == serialize._pyyaml(data)
    assert _nan_free(yaml.safe_load(text)) == _nan_free(data)


@pytest.mark.parametrize("data", [
    {1: "int key"}, {"k": b"bytes"}, {"k": {1, 2}}, {"x" * 200: 1}, {"a\nb": 1}, "root scalar", 5, None,
    {"long": "word " * 20_001},
], ids=lambda d: repr(d)[:40])
def test_data_the_writer_does_not_cover_is_handed_to_pyyaml_whole(data: Any) -> None:
    _same_as_pyyaml(data)


@pytest.mark.parametrize("golden", GOLDEN_JSON, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_golden_dashboard_is_written_byte_for_byte(golden: Path) -> None:
    assert dump_json(json.loads(golden.read_bytes())) == golden.read_bytes()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner),
                                                      st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=25))
@pytest.mark.slow
def test_any_plain_data_is_written_as_json_dumps_writes_it(data: Any) -> None:
    assert dump_json(data) == (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


@pytest.mark.parametrize("data", [{1: "a", 2: "b"}, {"k": {1, 2}}, [b"x"]], ids=repr)
def test_json_the_writer_does_not_cover_is_left_to_the_json_module(data: Any) -> None:
    try:
        expected = (json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc)):
            dump_json(data)
        return
    assert dump_json(data) == expected


def test_dump_yaml_puts_the_header_first_and_encodes_utf8() -> None:
    assert dump_yaml({"a": "é"}, "spec.yaml") == (serialize.header("spec.yaml") + "a: é\n").encode("utf-8")
    assert dump_yaml([], None) == b"[]\n"


def _nan_free(value: Any) -> Any:
    """NaN never equals itself; compare it as a marker."""
    if isinstance(value, float) and value != value:
        return "<nan>"
    if isinstance(value, dict):
        return {k: _nan_free(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nan_free(v) for v in value]
    return value


@pytest.mark.parametrize("data", [{"groups": [{"name": "a", "rules": [{"expr": "up == 0\nor absent(up)\n"}]}]},
                                  {"written by PyYAML: a key longer than a simple key may be " * 3: 1}],
                         ids=["written here", "handed to PyYAML midway"])
def test_no_writer_outlives_its_document_with_the_cyclic_collector_off(data: Any) -> None:
    # The CLI runs without the collector: a writer in a reference cycle would hold its text until exit.
    def writers() -> int:
        return sum(isinstance(o, serialize._BlockWriter) for o in gc.get_objects())

    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = writers()
        for _ in range(3):
            assert yaml_text(data) == serialize._pyyaml(data)
        assert writers() == before
    finally:
        if was_enabled:
            gc.enable()
