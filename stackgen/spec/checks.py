"""Cross-field checks of a typed spec: references resolve, names are unique, PromQL parses.

Each check reads the typed spec and reports at the spec path a person would look at
(`alert_groups[sdwan].alerts[PathDown].expr`); the Source turns the path into a line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Iterator

from stackgen import promql
from stackgen.errors import SpecIssue
from stackgen.model import SERIES_SUFFIXES
from stackgen.spec import catalog
from stackgen.spec.exporter_catalog import exporter_metrics, series_names
from stackgen.spec.gotemplate import TemplateError, check_template
from stackgen.spec.matchers import MatcherError, parse_matchers
from stackgen.spec.selector_checks import Selectors, check_selectors
from stackgen.spec.series_checks import check_series_key, check_series_values
from stackgen.spec.suggest import did_you_mean
from stackgen.spec.v1.document import SpecV1
from stackgen.spec.v1.routing import Route
from stackgen.spec.v1.rules import Alert, AlertTest, recording_rules_at
from stackgen.spec.yamlsource import Source

RESERVED_JOBS = ("prometheus", "alertmanager", "grafana", "webhook")
SpecPath = tuple[str | int, ...]
TEMPLATE_ACTION = re.compile(r"\{\{\s*(.*?)\s*\}\}")
# `sum by instance (x)`: PromQL wants the label list in parentheses, and its parser only says "invalid query".
BARE_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s+(?!\()"
                           r"([a-zA-Z_][a-zA-Z0-9_]*(?:\s*,\s*[a-zA-Z_][a-zA-Z0-9_]*)*)")


def _threshold_hint(inner: str, thresholds: Collection[str]) -> str:
    """`{{ threshold.x }}` and kin: expressions substitute only `{{ thresholds.<name> }}`."""
    name = inner.rpartition(".")[2]
    if name in thresholds:
        return f"write {{{{ thresholds.{name} }}}}"
    return "expressions take {{ thresholds.<name> }} only; " + (did_you_mean(name, thresholds) or
                                                                  "declare the threshold under 'thresholds:'")


class Checker:
    """The typed spec under check, what it declares, and the issues found so far."""

    def __init__(self, source: Source, spec: SpecV1) -> None:
        self.source = source
        self.spec = spec
        self.issues: list[SpecIssue] = []
        self.thresholds = spec.thresholds
        # Built once: per expression it made checking quadratic in the spec's size.
        self.threshold_values = {name: t.value for name, t in spec.thresholds.items()}
        self.known_metrics = self._known_metrics()
        self.service_names = dict.fromkeys(s.name for s in spec.services)  # ordered: hints stay stable

    def add(self, path: SpecPath, message: str, hint: str = "") -> None:
        self.issues.append(self.source.issue(path, message, hint))

    def _known_metrics(self) -> set[str]:
        known = set(catalog.PROMETHEUS_SYNTHETIC)
        for metric in self.spec.metrics:
            known.update(metric.name + s for s in SERIES_SUFFIXES[metric.type])
        known.update(r.record for _, r in recording_rules_at(self.spec.recording_rules, self.spec.recording_groups))
        for exporter in self.spec.exporters:
            known.update(name for metric in exporter_metrics(exporter) for name in series_names(metric))
        return known

    def unique(self, items: Iterable[tuple[SpecPath, str]], what: str) -> None:
        seen: dict[str, SpecPath] = {}
        for path, name in items:
            if name in seen:
                first = self.source.place(seen[name])
                self.add(path, f"duplicate {what} '{name}'",
                         f"first defined {first}; names must be unique" if first else "names must be unique")
            else:
                seen[name] = path

    def reference(self, path: SpecPath, name: str, declared: Collection[str], what: str, where: str) -> None:
        """`name` must be one of `declared`; else the closest declared name, or where to declare it."""
        if name not in declared:
            deleted = self.source.deleted_at(what, name)  # by an overlay: the spec alone declares it
            self.add(path, f"unknown {what} '{name}'",
                     f"{deleted} deletes it with '$patch: delete': keep the {what} there, or stop naming it here"
                     if deleted else did_you_mean(name, declared) or f"declare it under {where}")

    def thresholds_in(self, path: SpecPath, text: str) -> None:
        for name in promql.threshold_refs(text):
            self.reference(path, name, self.thresholds, "threshold", "'thresholds:'")

    def expression(self, path: SpecPath, text: str, grafana: bool = False) -> None:
        """Thresholds resolve, the PromQL parses, and every metric it selects is declared."""
        self.thresholds_in(path, text)
        for inner in TEMPLATE_ACTION.findall(promql.THRESHOLD_REF.sub("", text)):
            self.add(path, f"'{{{{ {inner} }}}}' is not a threshold reference", _threshold_hint(inner, self.thresholds))
            return
        if promql.threshold_refs(text):
            text = promql.substitute_thresholds(text, self.threshold_values)
            if promql.threshold_refs(text):
                return
        if grafana:
            text = promql.grafana_to_promql(text)
        try:
            tree = promql.parse(text)  # once: the names and the selector checks read the same tree
        except promql.PromQLSyntaxError as exc:
            bare = BARE_GROUPING.search(text)
            hint = (f"put the labels in parentheses: {bare.group(1)} ({bare.group(2)})" if bare
                    else "check brackets, quotes and operators")
            self.add(path, f"invalid PromQL: {exc}", hint)
            return
        names = promql.metric_names_in(tree)
        for name in sorted(names - self.known_metrics):
            if name + "_bucket" in self.known_metrics:
                hint = f"did you mean '{name}_bucket'? a histogram's series are _bucket, _sum and _count"
            else:
                hint = did_you_mean(name, self.known_metrics) or "declare it under 'metrics:' or add its exporter"
            self.add(path, f"unknown metric '{name}'", hint)
        if names <= self.known_metrics:
            check_selectors(self, path, tree)

    @functools.cached_property
    def selectors(self) -> Selectors:
        return Selectors(self)

    def template(self, path: SpecPath, text: str) -> None:
        """Prometheus parses alert labels and annotations as Go templates: a bad one sinks the rule file."""
        try:
            check_template(promql.substitute_thresholds(text, self.threshold_values))
        except TemplateError as exc:
            self.add(path, f"invalid template: {exc}",
                     "Prometheus expands {{ ... }} in labels and annotations; write {{ `{{` }} for a literal {{")

    def matchers(self, path: SpecPath, matchers: Iterable[str]) -> None:
        for i, text in enumerate(matchers):
            try:
                parse_matchers(text)
            except MatcherError as exc:
                self.add(path + (i,), f"invalid matcher {text!r}: {exc}", exc.hint)


def check_metrics(c: Checker) -> None:
    c.unique(((("metrics", i, "name"), m.name) for i, m in enumerate(c.spec.metrics)), "metric")
    services = c.service_names
    for i, m in enumerate(c.spec.metrics):
        path: SpecPath = ("metrics", i)
        if m.buckets is not None:
            if m.type != "histogram":
                c.add(path + ("buckets",), f"buckets are only for histograms, '{m.name}' is a {m.type}",
                      "remove 'buckets' or make the type histogram")
            elif any(b2 <= b1 for b1, b2 in zip(m.buckets, m.buckets[1:])):
                c.add(path + ("buckets",), "buckets must be strictly increasing", "sort them and remove repeats")
        reserved = {"histogram": {"le"}, "summary": {"quantile"}}.get(m.type, set())
        for j, label in enumerate(m.labels):
            if label in reserved:
                c.add(path + ("labels", j), f"label '{label}' is reserved for {m.type}s", "rename the label")
            elif label.startswith("__"):
                c.add(path + ("labels", j), f"label '{label}': names starting with __ are reserved for Prometheus",
                      f"rename it '{label.lstrip('_')}'")
        if m.service and m.service not in services:
            c.add(path + ("service",), f"unknown service '{m.service}'", did_you_mean(m.service, services))


def _identity(name: str, labels: dict[str, str]) -> str:
    """A rule as Prometheus tells rules apart: its name and labels, `Name{a="1"}`."""
    return name + ("{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}" if labels else "")


def check_rules(c: Checker) -> None:
    spec = c.spec
    rules = list(recording_rules_at(spec.recording_rules, spec.recording_groups))
    # Prometheus records one name under different fixed labels (one rule per label value): only both repeat.
    c.unique(((path + ("record",), _identity(r.record, r.labels)) for path, r in rules), "recording rule")
    declared = {m.name for m in spec.metrics}
    for path, rule in rules:
        if rule.record in declared:
            c.add(path + ("record",), f"'{rule.record}' is also a declared metric",
                  "recording rules conventionally read level:metric:operations")
        c.expression(path + ("expr",), rule.expr)
    c.unique(((("recording_groups", i, "name"), g.name) for i, g in enumerate(spec.recording_groups)),
             "recording group")
    groups = spec.alert_groups
    c.unique(((("alert_groups", i, "name"), g.name) for i, g in enumerate(groups)), "alert group")
    keys = []
    for gi, group in enumerate(groups):
        for ai, alert in enumerate(group.alerts):
            at: SpecPath = ("alert_groups", gi, "alerts", ai)
            labels = {**alert.labels, "severity": alert.severity, **({"service": alert.service} if alert.service else {})}
            keys.append((at + ("name",), _identity(alert.name, labels)))
            check_alert(c, at, alert)
    c.unique(keys, "alert (name and labels)")


def check_alert(c: Checker, path: SpecPath, alert: Alert) -> None:
    c.expression(path + ("expr",), alert.expr)
    templates: list[tuple[SpecPath, str]] = [(("summary",), alert.summary), (("description",), alert.description)]
    templates += [(("annotations", key), text) for key, text in alert.annotations.items()]
    for where, text in templates:
        c.thresholds_in(path + where, text)
        c.template(path + where, text)
    for key, text in alert.labels.items():
        c.template(path + ("labels", key), text)
        if key in ("severity", "service"):  # routing and inhibition read these; one source each
            c.add(path + ("labels", key), f"label '{key}' is set by the alert's '{key}:' field",
                  f"move it to '{key}: {text}' on the alert")
    if alert.threshold:
        c.reference(path + ("threshold",), alert.threshold, c.thresholds, "threshold", "'thresholds:'")
    if alert.service:
        c.reference(path + ("service",), alert.service, c.service_names, "service", "'services:'")
    for ti, test in enumerate(alert.tests):
        for series, values in test.series.items():
            before = len(c.issues)
            c.expression(path + ("tests", ti, "series", series), series)
            if len(c.issues) == before:
                check_series_key(c, path + ("tests", ti, "series", series), series)
            check_series_values(c, path + ("tests", ti, "series", series), values)
        check_case_value(c, alert, test, path + ("tests", ti))


VALUE_TEMPLATE = re.compile(r"\{\{[^}]*\$value")


def check_case_value(c: Checker, alert: Alert, test: AlertTest, path: SpecPath) -> None:
    """A firing case of an alert whose annotations print $value must say the value it expects."""
    if not test.fires or test.value is not None:
        return
    texts = {"summary": alert.summary, "description": alert.description, **alert.annotations}
    printing = [k for k, text in texts.items() if VALUE_TEMPLATE.search(text) and k not in test.annotations]
    if printing:
        c.add(path, f"this case fires and the alert's {printing[0]} prints $value",
              "add 'value:' (the alert's value at 'at'), or write that annotation under the case's 'annotations:'")


def walk_routes(routes: Iterable[Route], path: SpecPath) -> Iterator[tuple[SpecPath, Route]]:
    for i, route in enumerate(routes):
        yield path + (i,), route
        yield from walk_routes(route.routes, path + (i, "routes"))


def check_routing(c: Checker) -> None:
    routing = c.spec.routing
    if routing is None:
        if c.spec.alert_groups and (c.spec.services or c.spec.exporters):  # a rules-only spec routes elsewhere
            c.add(("alert_groups",), "alerts are declared but there is no 'routing:' section",
                  "add routing with at least one receiver so alerts reach someone")
        return
    receivers = routing.receivers
    names = [r.name for r in receivers]
    c.unique(((("routing", "receivers", i, "name"), r.name) for i, r in enumerate(receivers)), "receiver")
    for i, receiver in enumerate(receivers):
        if len(receiver.kinds) > 1:
            c.add(("routing", "receivers", i), f"receiver '{receiver.name}' has {len(receiver.kinds)} kinds "
                                               f"({', '.join(receiver.kinds)})",
                  "give each receiver one kind; route to several receivers with 'receivers: [a, b]'")

    def receiver_ref(path: SpecPath, name: str) -> None:
        c.reference(path, name, names, "receiver", "routing.receivers")

    receiver_ref(("routing", "receiver"), routing.receiver)
    for path, route in walk_routes(routing.routes, ("routing", "routes")):
        if route.receiver is not None and route.receivers is not None:
            c.add(path, "a route has either 'receiver' or 'receivers', not both", "keep 'receivers: [...]'")
        if route.receiver is not None:
            receiver_ref(path + ("receiver",), route.receiver)
        for j, name in enumerate(route.receivers or ()):
            receiver_ref(path + ("receivers", j), name)
        if not route.matchers and not route.continue_ and not route.routes:
            c.add(path, "a route without matchers catches every alert and hides the routes after it",
                  "add matchers, or set the receiver at routing.receiver")
        c.matchers(path + ("matchers",), route.matchers)
    for i, rule in enumerate(routing.inhibit_rules):
        c.matchers(("routing", "inhibit_rules", i, "source_matchers"), rule.source_matchers)
        c.matchers(("routing", "inhibit_rules", i, "target_matchers"), rule.target_matchers)
    for i, test in enumerate(routing.tests):
        for j, name in enumerate(test.receivers):
            receiver_ref(("routing", "tests", i, "receivers", j), name)


def check_services(c: Checker) -> None:
    services, spec = c.spec.services, c.spec
    if not (services or spec.exporters or spec.recording_rules or spec.recording_groups or spec.alert_groups
            or spec.routing or spec.slos or spec.dashboards):
        c.add((), "the spec declares nothing to monitor or alert on",
              "add 'services:', or rules and alerts; `stackgen import rules FILE` writes them from rule files")
    c.unique(((("services", i, "name"), s.name) for i, s in enumerate(services)), "service")
    names: list[tuple[SpecPath, str]] = [(("services", i, "name"), s.name) for i, s in enumerate(services)]
    names += [(("exporters", i), e.name) for i, e in enumerate(c.spec.exporters)]
    c.unique(names, "scrape job")
    for path, name in names:
        if name in RESERVED_JOBS:
            c.add(path, f"'{name}' is the name of a stack component", "rename the service or exporter")


def check_spec(source: Source, spec: SpecV1) -> list[SpecIssue]:
    """Every cross-field problem of a structurally valid spec, in file order."""
    from stackgen.spec.dashboard_checks import check_dashboards
    from stackgen.spec.exporter_checks import check_exporters
    from stackgen.spec.remote_checks import check_remote_write
    from stackgen.spec.secrets import check_secrets
    from stackgen.spec.slo_checks import check_slos
    from stackgen.spec.stack_checks import check_stack
    from stackgen.spec.time_checks import check_time_intervals

    c = Checker(source, spec)
    for check in (check_services, check_metrics, check_rules, check_routing, check_time_intervals, check_dashboards,
                  check_stack, check_exporters, check_secrets, check_slos, check_remote_write):
        check(c)
    return sorted(c.issues, key=lambda i: i.line or 0)
