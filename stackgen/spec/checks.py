"""Cross-field checks of a schema-valid spec: references resolve, names are unique, PromQL parses."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stackgen import promql
from stackgen.errors import SpecIssue
from stackgen.model import SERIES_SUFFIXES
from stackgen.spec import catalog
from stackgen.spec.dashboard_checks import check_dashboards
from stackgen.spec.gotemplate import TemplateError, check_template
from stackgen.spec.schema_check import did_you_mean
from stackgen.spec.secrets import check_receiver_secrets, find_spec_secrets
from stackgen.spec.yamlsource import Source

RESERVED_JOBS = ("prometheus", "alertmanager", "grafana", "webhook")
MATCHER = re.compile(r'^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*("([^"\\]|\\.)*"|[^"\s][^"]*|)\s*$')


class Checker:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.doc = source.data
        self.issues: list[SpecIssue] = []
        self.thresholds = self.doc.get("thresholds", {})
        # Built once: per expression it made checking quadratic in the spec's size.
        self.threshold_values = {k: (v["value"] if isinstance(v, dict) else v) for k, v in self.thresholds.items()}
        self.known_metrics = self._known_metrics()

    def add(self, path: tuple, message: str, hint: str = "") -> None:
        self.issues.append(self.source.issue(path, message, hint))

    def _known_metrics(self) -> set[str]:
        known = set(catalog.PROMETHEUS_SYNTHETIC)
        for metric in self.doc["metrics"]:
            known.update(metric["name"] + s for s in SERIES_SUFFIXES[metric["type"]])
        known.update(r["record"] for r in self.doc.get("recording_rules", []))
        for exporter in self.doc.get("exporters", []):
            known.update(catalog.EXPORTER_METRICS[exporter["kind"]])
        return known

    def unique(self, items: Iterable[tuple[tuple, str]], what: str) -> None:
        seen: dict[str, tuple] = {}
        for path, name in items:
            if name in seen:
                first = self.source.line(seen[name])
                self.add(path, f"duplicate {what} '{name}'", f"first defined on line {first}; names must be unique")
            else:
                seen[name] = path

    def thresholds_in(self, path: tuple, text: str) -> None:
        for name in promql.threshold_refs(text):
            if name not in self.thresholds:
                hint = did_you_mean(name, self.thresholds) or "declare it under 'thresholds:'"
                self.add(path, f"unknown threshold '{name}'", hint)

    def expression(self, path: tuple, text: str, grafana: bool = False) -> None:
        """Thresholds resolve, the PromQL parses, and every metric it selects is declared."""
        self.thresholds_in(path, text)
        if promql.threshold_refs(text):
            text = promql.substitute_thresholds(text, self.threshold_values)
            if promql.threshold_refs(text):
                return
        if grafana:
            text = promql.grafana_to_promql(text)
        try:
            names = promql.metric_names(text)
        except promql.PromQLSyntaxError as exc:
            self.add(path, f"invalid PromQL: {exc}", "check brackets, quotes and operators")
            return
        for name in sorted(names - self.known_metrics):
            hint = did_you_mean(name, self.known_metrics) or "declare it under 'metrics:' or add its exporter"
            self.add(path, f"unknown metric '{name}'", hint)

    def template(self, path: tuple, text: str) -> None:
        """Prometheus parses alert labels and annotations as Go templates: a bad one sinks the rule file."""
        try:
            check_template(promql.substitute_thresholds(text, self.threshold_values))
        except TemplateError as exc:
            self.add(path, f"invalid template: {exc}",
                     "Prometheus expands {{ ... }} in labels and annotations; write {{ `{{` }} for a literal {{")

    def matchers(self, path: tuple, matchers: list[str]) -> None:
        for i, text in enumerate(matchers):
            if not MATCHER.match(text):
                self.add(path + (i,), f"invalid matcher {text!r}", 'write label=value, label!=value, label=~"regex"')


def check_metrics(c: Checker) -> None:
    metrics = c.doc["metrics"]
    c.unique(((("metrics", i, "name"), m["name"]) for i, m in enumerate(metrics)), "metric")
    services = {s["name"] for s in c.doc["services"]}
    for i, m in enumerate(metrics):
        path = ("metrics", i)
        if "buckets" in m:
            if m["type"] != "histogram":
                c.add(path + ("buckets",), f"buckets are only for histograms, '{m['name']}' is a {m['type']}",
                      "remove 'buckets' or make the type histogram")
            elif any(b2 <= b1 for b1, b2 in zip(m["buckets"], m["buckets"][1:])):
                c.add(path + ("buckets",), "buckets must be strictly increasing", "sort them and remove repeats")
        reserved = {"histogram": {"le"}, "summary": {"quantile"}}.get(m["type"], set())
        for j, label in enumerate(m.get("labels", [])):
            if label in reserved:
                c.add(path + ("labels", j), f"label '{label}' is reserved for {m['type']}s", "rename the label")
            elif label.startswith("__"):
                c.add(path + ("labels", j), f"label '{label}': names starting with __ are reserved for Prometheus",
                      f"rename it '{label.lstrip('_')}'")
        if m.get("service") and m["service"] not in services:
            c.add(path + ("service",), f"unknown service '{m['service']}'", did_you_mean(m["service"], services))


def check_rules(c: Checker) -> None:
    rules = c.doc.get("recording_rules", [])
    c.unique(((("recording_rules", i, "record"), r["record"]) for i, r in enumerate(rules)), "recording rule")
    declared = {m["name"] for m in c.doc["metrics"]}
    for i, rule in enumerate(rules):
        if rule["record"] in declared:
            c.add(("recording_rules", i, "record"), f"'{rule['record']}' is also a declared metric",
                  "recording rules conventionally read level:metric:operations")
        c.expression(("recording_rules", i, "expr"), rule["expr"])
    groups = c.doc.get("alert_groups", [])
    c.unique(((("alert_groups", i, "name"), g["name"]) for i, g in enumerate(groups)), "alert group")
    services = {s["name"] for s in c.doc["services"]}
    keys = []
    for gi, group in enumerate(groups):
        for ai, alert in enumerate(group["alerts"]):
            path = ("alert_groups", gi, "alerts", ai)
            keys.append((path + ("name",), f"{alert['name']} ({alert['severity']})"))
            c.expression(path + ("expr",), alert["expr"])
            for key in ("summary", "description"):
                c.thresholds_in(path + (key,), alert.get(key, ""))
                c.template(path + (key,), alert.get(key, ""))
            for key, text in alert.get("annotations", {}).items():
                c.thresholds_in(path + ("annotations", key), text)
                c.template(path + ("annotations", key), text)
            for key, text in alert.get("labels", {}).items():
                c.template(path + ("labels", key), text)
                if key in ("severity", "service"):  # routing and inhibition read these; one source each
                    c.add(path + ("labels", key), f"label '{key}' is set by the alert's '{key}:' field",
                          f"move it to '{key}: {text}' on the alert")
            if alert.get("threshold") and alert["threshold"] not in c.thresholds:
                c.add(path + ("threshold",), f"unknown threshold '{alert['threshold']}'",
                      did_you_mean(alert["threshold"], c.thresholds) or "declare it under 'thresholds:'")
            if alert.get("service") and alert["service"] not in services:
                c.add(path + ("service",), f"unknown service '{alert['service']}'",
                      did_you_mean(alert["service"], services) or "declare it under 'services:'")
            for ti, test in enumerate(alert.get("tests", [])):
                for series in test["series"]:
                    c.expression(path + ("tests", ti, "series", series), series)
                check_case_value(c, alert, test, path + ("tests", ti))
    c.unique(keys, "alert (name and severity)")


VALUE_TEMPLATE = re.compile(r"\{\{[^}]*\$value")


def check_case_value(c: Checker, alert: dict, test: dict, path: tuple) -> None:
    """A firing case of an alert whose annotations print $value must say the value it expects."""
    if not test["fires"] or "value" in test:
        return
    texts = {"summary": alert.get("summary", ""), "description": alert.get("description", ""),
             **alert.get("annotations", {})}
    printing = [k for k, text in texts.items() if VALUE_TEMPLATE.search(text) and k not in test.get("annotations", {})]
    if printing:
        c.add(path, f"this case fires and the alert's {printing[0]} prints $value",
              "add 'value:' (the alert's value at 'at'), or write that annotation under the case's 'annotations:'")


def _walk_routes(routes: list, path: tuple):
    for i, route in enumerate(routes):
        yield path + (i,), route
        yield from _walk_routes(route.get("routes", []), path + (i, "routes"))


def check_routing(c: Checker) -> None:
    routing = c.doc.get("routing")
    if routing is None:
        if c.doc.get("alert_groups"):
            c.add(("alert_groups",), "alerts are declared but there is no 'routing:' section",
                  "add routing with at least one receiver so alerts reach someone")
        return
    receivers = routing["receivers"]
    names = {r["name"] for r in receivers}
    c.unique(((("routing", "receivers", i, "name"), r["name"]) for i, r in enumerate(receivers)), "receiver")
    for i, receiver in enumerate(receivers):
        kinds = [k for k in ("slack", "email", "pagerduty", "webhook") if k in receiver]
        if len(kinds) > 1:
            c.add(("routing", "receivers", i), f"receiver '{receiver['name']}' has {len(kinds)} kinds ({', '.join(kinds)})",
                  "give each receiver one kind; route to several receivers with 'receivers: [a, b]'")
        for path, message, hint in check_receiver_secrets(receiver):
            c.add(("routing", "receivers", i) + path, message, hint)

    def receiver_ref(path: tuple, name: str) -> None:
        if name not in names:
            c.add(path, f"unknown receiver '{name}'", did_you_mean(name, names) or "declare it under routing.receivers")

    receiver_ref(("routing", "receiver"), routing["receiver"])
    for path, route in _walk_routes(routing.get("routes", []), ("routing", "routes")):
        if "receiver" in route and "receivers" in route:
            c.add(path, "a route has either 'receiver' or 'receivers', not both", "keep 'receivers: [...]'")
        if "receiver" in route:
            receiver_ref(path + ("receiver",), route["receiver"])
        for j, name in enumerate(route.get("receivers", [])):
            receiver_ref(path + ("receivers", j), name)
        if not route.get("matchers") and not route.get("continue") and not route.get("routes"):
            c.add(path, "a route without matchers catches every alert and hides the routes after it",
                  "add matchers, or set the receiver at routing.receiver")
        c.matchers(path + ("matchers",), route.get("matchers", []))
    for i, rule in enumerate(routing.get("inhibit_rules", [])):
        c.matchers(("routing", "inhibit_rules", i, "source_matchers"), rule["source_matchers"])
        c.matchers(("routing", "inhibit_rules", i, "target_matchers"), rule["target_matchers"])
    for i, test in enumerate(routing.get("tests", [])):
        for j, name in enumerate(test["receivers"]):
            receiver_ref(("routing", "tests", i, "receivers", j), name)


def check_services(c: Checker) -> None:
    services = c.doc["services"]
    c.unique(((("services", i, "name"), s["name"]) for i, s in enumerate(services)), "service")
    exporters = c.doc.get("exporters", [])
    names = [(("services", i, "name"), s["name"]) for i, s in enumerate(services)]
    names += [(("exporters", i), e.get("name", f"{e['kind']}-exporter")) for i, e in enumerate(exporters)]
    c.unique(names, "scrape job")
    for path, name in names:
        if name in RESERVED_JOBS:
            c.add(path, f"'{name}' is the name of a stack component", "rename the service or exporter")


def check_secrets(c: Checker) -> None:
    """Literal secrets anywhere in the spec; runs last so a receiver field already reported is not repeated."""
    reported = {issue.path for issue in c.issues}
    for path, message, hint in find_spec_secrets(c.doc):
        issue = c.source.issue(path, message, hint)
        if issue.path not in reported:
            c.issues.append(issue)


def check_spec(source: Source) -> list[SpecIssue]:
    """Every cross-field problem of a schema-valid spec, in file order."""
    c = Checker(source)
    for check in (check_services, check_metrics, check_rules, check_routing, check_dashboards, check_secrets):
        check(c)
    return sorted(c.issues, key=lambda i: i.line or 0)
