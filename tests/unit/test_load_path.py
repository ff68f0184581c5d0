"""What the load path does to be fast leaves what it reads unchanged.

The exporter catalog is read with libyaml, and the spec's models build their validators with pydantic's plugins
off (as typer does for its own): the catalog's data must be what the pure-Python parser reads, and the
environment must be left as it was found. The checks parse an expression once for its metric names and its
selectors, and an SLO's test cases parse each of its queries once however many cases ask for it.
"""

from __future__ import annotations

import collections
import os
import re
from importlib import resources

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from stackgen import promql
from stackgen.process import slo_tests
from stackgen.spec import exporter_catalog, gotemplate, secrets
from stackgen.spec.checks import check_spec
from stackgen.spec.loader import default_spec_bytes, read_source
from stackgen.spec.structure import PLUGINS_VARIABLE, parse_spec, plugins_off
from stackgen.spec.v1.exporters import CATALOG_KINDS


def source_text() -> str:
    return default_spec_bytes().decode()


@pytest.mark.parametrize("kind", CATALOG_KINDS)
def test_a_catalog_file_reads_the_same_with_libyaml_as_with_the_pure_python_parser(kind: str) -> None:
    text = resources.files("stackgen.spec").joinpath(f"exporters/{kind}.yaml").read_text(encoding="utf-8")
    assert exporter_catalog.CATALOG_LOADER is yaml.CSafeLoader  # PyYAML here is built with libyaml
    assert yaml.load(text, Loader=exporter_catalog.CATALOG_LOADER) == yaml.safe_load(text)


@pytest.mark.parametrize("before", [None, "", "some_plugin"])
def test_plugins_are_off_while_the_models_build_and_the_environment_is_restored_after(
        before: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if before is None:
        monkeypatch.delenv(PLUGINS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(PLUGINS_VARIABLE, before)
    with pytest.raises(RuntimeError), plugins_off():
        assert os.environ[PLUGINS_VARIABLE] == "1"
        raise RuntimeError("a failed load restores it too")
    assert os.environ.get(PLUGINS_VARIABLE) == before


def _counting_parses(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    parsed: collections.Counter[str] = collections.Counter()
    real = promql.promql_parser.parse

    def parse(expr: str) -> object:
        parsed[expr] += 1
        return real(expr)

    monkeypatch.setattr(promql.promql_parser, "parse", parse)
    return parsed


def test_the_checks_parse_an_alert_expression_once(monkeypatch: pytest.MonkeyPatch) -> None:
    source = read_source(None)
    typed = parse_spec(source)
    parsed = _counting_parses(monkeypatch)
    assert check_spec(source, typed) == []
    plain = [a.expr for g in typed.alert_groups for a in g.alerts
             if not promql.threshold_refs(a.expr) and source_text().count(a.expr) == 1]
    assert len(plain) >= 3
    assert [parsed[expr] for expr in plain] == [1] * len(plain)


def test_an_slo_query_is_parsed_once_and_each_caller_gets_its_own_matchers(monkeypatch: pytest.MonkeyPatch) -> None:
    slo_tests._selector_of.cache_clear()
    parsed = _counting_parses(monkeypatch)
    query = 'http_requests_total{job="api", code=~"5.."}'
    first, second = slo_tests._selector(query), slo_tests._selector(query)
    assert first == second == ("http_requests_total", [("job", "Equal", "api"), ("code", "Re", "5..")])
    assert first[1] is not second[1]
    assert parsed[query] == 1


@pytest.mark.parametrize("pattern", [p for p, _ in secrets.SECRET_VALUES], ids=lambda p: p.pattern[:30])
def test_every_secret_pattern_needs_a_marker_the_quick_look_finds(pattern: re.Pattern[str]) -> None:
    # value_secret looks for the markers before it searches: a pattern that could match without one would be
    # skipped for the strings it matches.
    assert any(marker in pattern.pattern for marker in secrets.SECRET_MARKERS)


@pytest.mark.parametrize("pattern", [p for p, _ in secrets.SECRET_VALUES], ids=lambda p: p.pattern[:30])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_text_a_secret_pattern_finds_is_found_by_value_secret(pattern: re.Pattern[str], data: st.DataObject) -> None:
    # The test above reads the patterns' source; this one holds the quick look to what each pattern matches,
    # an optional part or an alternative included.
    text = data.draw(st.from_regex(pattern))
    assert secrets.value_secret(text) is not None, text


def test_a_template_is_checked_once_however_many_alerts_share_it_and_a_refused_one_every_time() -> None:
    gotemplate.check_template.cache_clear()
    text = "{{ $labels.instance }} is down ({{ $value | humanize }})"
    assert gotemplate.check_template(text) is None and gotemplate.check_template(text) is None
    assert gotemplate.check_template.cache_info().hits == 1
    for _ in range(2):
        with pytest.raises(gotemplate.TemplateError, match="'humanise' is not a template function"):
            gotemplate.check_template("{{ $value | humanise }}")
