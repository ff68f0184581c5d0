"""An alert test's input series as promtool reads them: one series per key, values in its expanding notation.

promtool would say only `1:89: parse error`, or expand a billion values, and name no spec line; these checks
say which series of which test is wrong, at its line, before any tool runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import promql_parser as pp

from stackgen import promql
from stackgen.service.series import MAX_VALUES, count_values

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker, SpecPath


def check_series_key(c: Checker, path: SpecPath, series: str) -> None:
    """An input series is one series, as promtool reads it: a metric name and labels set with `=`. Any other
    PromQL (`1`, `sum(x)`, `x[5m]`, `x{a!="b"}`) parses as an expression, but promtool refuses it."""
    node = promql.parse(series)
    if isinstance(node, pp.VectorSelector):
        matchers = node.matchers.matchers
        named = bool(node.name) or any(m.name == "__name__" for m in matchers)
        if named and node.offset is None and node.at is None and all(m.op == pp.MatchOp.Equal for m in matchers):
            return
    c.add(path, f"'{series}' is not a series (a metric name and labels set with =)",
          'write the series as promtool reads it, e.g. http_requests_total{job="api", status="500"}')


def check_series_values(c: Checker, path: SpecPath, values: str) -> None:
    """Input values in promtool's notation; promtool itself would only say `1:89: parse error`, naming no spec line."""
    for term in values.split():
        try:
            count_values(term)  # not expanded: '0x999999999' would be a billion values
        except ValueError:
            c.add(path, f"cannot read {term!r} in the series values {values!r}",
                  "promtool's notation: space-separated values, 'AxN' (A, N more times), 'A+BxN' or 'A-BxN' "
                  "(N steps of B), '_' or '_xN' (missing), 'stale'; no spaces inside a term")
            return
    if (count := count_values(values)) > MAX_VALUES:
        c.add(path, f"the series values {values[:60]!r} make {count} values, over the limit of {MAX_VALUES}",
              "a test needs samples up to its 'at' time only: lower the xN counts")
