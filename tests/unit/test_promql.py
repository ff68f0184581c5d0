"""Metric names found in PromQL: the same names the parser's own walk finds, for every node kind and every query
of the example specs, and in time linear in the expression's size (a deep sum no longer takes minutes)."""

from __future__ import annotations

import promql_parser
import pytest
from conftest import SPECS

from stackgen import promql
from stackgen.pipeline import load


def _walked(expr: str) -> set[str]:
    """The names as the parser's own `walk` finds them: what `metric_names` answered before it walked itself."""
    return promql._walked_names(promql.parse(expr))


@pytest.mark.parametrize(("expr", "names"), [
    ("up", {"up"}),
    ('{__name__="up", job="x"}', {"up"}),
    ('{__name__=~"up|down"}', set()),
    ('{__name__!="up", job="x"}', set()),  # excludes up: selects no metric by name
    ("rate(http_requests_total[5m])", {"http_requests_total"}),
    ("max_over_time(rate(a_total[1m])[10m:1m])", {"a_total"}),
    ("sum by (le) (rate(h_bucket[5m])) / ignoring(le) group_left sum(rate(h_count[5m]))", {"h_bucket", "h_count"}),
    ("histogram_quantile(0.9, sum by (le) (rate(h_bucket[5m])))", {"h_bucket"}),
    ("topk(scalar(k), b)", {"k", "b"}),
    ('count_values("v", c)', {"c"}),
    ('label_replace(x, "a", "$1", "b", "(.*)")', {"x"}),
    ("-(a offset 5m) > bool 0.5", {"a"}),
    ("a @ start() unless on(job) b", {"a", "b"}),
    ("vector(1) + time()", set()),
    ('absent(nonexistent{job="x"})', {"nonexistent"}),
])
def test_every_kind_of_node_is_searched_for_names(expr, names):
    assert promql.metric_names(expr) == names
    assert promql.metric_names(expr) == _walked(expr)


def _spec_queries() -> list[str]:
    queries = []
    for path in SPECS:
        spec = load([path]).spec
        queries += [a.expr for a in spec.alerts] + [r.expr for r in spec.recording_rules]
        queries += [promql.grafana_to_promql(q.expr) for d in spec.dashboards for p in d.panels for q in p.queries]
    return queries


def test_every_query_of_the_example_specs_has_the_names_the_parsers_walk_finds():
    queries = _spec_queries()
    assert len(queries) > 100
    for expr in queries:
        assert promql.metric_names(expr) == _walked(expr), expr


def test_a_sum_of_500_terms_is_searched_in_one_pass():
    # Before, the parser's walk over this tree would run for minutes; the parse itself stays well under a second.
    expr = " + ".join([f"m{i % 7}_total" for i in range(499)] + ['rate(last_total{job="x"}[5m])'])
    assert promql.metric_names(expr) == {f"m{i}_total" for i in range(7)} | {"last_total"}


def test_a_name_deep_in_a_long_chain_of_parentheses_is_found():
    expr = "(" * 300 + "deep_metric" + ")" * 300 + " > 0"
    assert promql.metric_names(expr) == {"deep_metric"}


def test_a_node_kind_not_known_here_is_searched_by_the_parsers_own_walk(monkeypatch):
    # As if a parser release added a node kind: the parenthesis is not among the kinds walked here.
    monkeypatch.setattr(promql, "_ONE_CHILD", tuple(k for k in promql._ONE_CHILD if k is not promql_parser.ParenExpr))
    assert promql.metric_names("(a + b) * c") == {"a", "b", "c"}
