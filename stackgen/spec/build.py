"""Map a schema-valid spec document onto the domain model (defaults, threshold values)."""

from __future__ import annotations

import os

from stackgen import model as m
from stackgen.promql import substitute_thresholds

DEFAULT_PORTS = {"prometheus": 9090, "alertmanager": 9093, "grafana": 3000, "webhook": 9095}
DEFAULT_EXPORTER_PORTS = {"node": 9100}
QUERY_FORMATS = {"heatmap": "heatmap", "table": "table"}  # a panel type's natural query format


def _thresholds(doc: dict) -> dict[str, m.Threshold]:
    out = {}
    for name, raw in sorted(doc.get("thresholds", {}).items()):
        raw = raw if isinstance(raw, dict) else {"value": raw}
        out[name] = m.Threshold(name, raw["value"], raw.get("unit", ""), raw.get("description", ""))
    return out


def _alert(raw: dict, group: str, sub) -> m.Alert:
    rb = raw.get("runbook", {})
    tests = tuple(
        m.AlertTest(t.get("name", f"case {i + 1}"), tuple(t["series"].items()), t["at"], t["fires"],
                    dict(t.get("labels", {})), {k: sub(v) for k, v in t.get("annotations", {}).items()},
                    t.get("interval", "1m"), t.get("value"))
        for i, t in enumerate(raw.get("tests", [])))
    return m.Alert(
        name=raw["name"], group=group, expr=sub(raw["expr"]), source_expr=raw["expr"],
        severity=raw["severity"], summary=sub(raw["summary"]), description=sub(raw.get("description", "")),
        for_=raw.get("for"), service=raw.get("service"), runbook_url=raw.get("runbook_url"),
        threshold=raw.get("threshold"), labels=dict(raw.get("labels", {})),
        annotations={k: sub(v) for k, v in raw.get("annotations", {}).items()}, tests=tests,
        runbook=m.Runbook(rb.get("meaning", ""), tuple(rb.get("causes", ())), tuple(rb.get("steps", ()))))


def _route(raw: dict) -> list[m.Route]:
    """One spec route; `receivers: [a, b]` fans out to sibling routes that continue to the next."""
    receivers = raw.get("receivers") or [raw.get("receiver")]
    children = tuple(r for child in raw.get("routes", []) for r in _route(child))
    out = []
    for i, receiver in enumerate(receivers):
        last = i == len(receivers) - 1
        out.append(m.Route(
            matchers=tuple(raw.get("matchers", ())), receiver=receiver,
            continue_=raw.get("continue", False) if last else True,
            group_by=tuple(raw["group_by"]) if "group_by" in raw else None,
            group_wait=raw.get("group_wait"), group_interval=raw.get("group_interval"),
            repeat_interval=raw.get("repeat_interval"), routes=children))
    return out


def _routing(raw: dict | None) -> m.Routing | None:
    if raw is None:
        return None
    receivers = []
    for r in raw["receivers"]:
        kinds = [k for k in ("slack", "email", "pagerduty", "webhook") if k in r]
        kind = kinds[0] if kinds else "null"
        receivers.append(m.Receiver(r["name"], kind, dict(r.get(kind, {}))))
    defaults = m.Routing(receiver=raw["receiver"], receivers=())
    return m.Routing(
        receiver=raw["receiver"], receivers=tuple(receivers),
        group_by=tuple(raw.get("group_by", defaults.group_by)),
        group_wait=raw.get("group_wait", defaults.group_wait),
        group_interval=raw.get("group_interval", defaults.group_interval),
        repeat_interval=raw.get("repeat_interval", defaults.repeat_interval),
        routes=tuple(r for route in raw.get("routes", []) for r in _route(route)),
        inhibit_rules=tuple(m.InhibitRule(tuple(i["source_matchers"]), tuple(i["target_matchers"]),
                                          tuple(i.get("equal", ())), i.get("description", ""))
                            for i in raw.get("inhibit_rules", [])),
        tests=tuple(m.RouteTest(dict(t["labels"]), tuple(t["receivers"]), t.get("description", ""))
                    for t in raw.get("tests", [])))


def _panel(raw: dict, thresholds: dict[str, m.Threshold], sub) -> m.Panel:
    steps = []
    for t in raw.get("thresholds", []):
        ref = t.get("value") if isinstance(t.get("value"), str) else None
        value = thresholds[ref].value if ref in thresholds else (None if ref else t.get("value"))
        steps.append(m.PanelThreshold(value, t["color"], ref))
    if steps and steps[0].value is not None:  # Grafana needs a base step: green unless the spec gives one
        steps.insert(0, m.PanelThreshold(None, "green"))
    return m.Panel(
        title=raw["title"], type=raw["type"], width=raw.get("width", 12), height=raw.get("height", 8),
        queries=tuple(m.Query(sub(q["expr"]), q.get("legend", ""), q.get("instant", False),
                              q.get("format", QUERY_FORMATS.get(raw["type"], "time_series")))
                      for q in raw["queries"]),
        description=raw.get("description", ""), unit=raw.get("unit", "short"), decimals=raw.get("decimals"),
        min=raw.get("min"), max=raw.get("max"), stack=raw.get("stack", False), thresholds=tuple(steps))


def _dashboard(raw: dict, thresholds, sub) -> m.Dashboard:
    time = raw.get("time", {})
    return m.Dashboard(
        uid=raw["uid"], title=raw["title"], description=raw.get("description", ""),
        tags=tuple(raw.get("tags", ())), refresh=raw.get("refresh", "30s"),
        time_from=time.get("from", "now-6h"), time_to=time.get("to", "now"),
        variables=tuple(m.Variable(v["name"], v["query"], v.get("label", ""), v.get("multi", False),
                                   v.get("include_all", False)) for v in raw.get("variables", [])),
        rows=tuple(m.Row(r.get("title"), tuple(_panel(p, thresholds, sub) for p in r["panels"]),
                         r.get("collapsed", False)) for r in raw["rows"]))


def build_spec(doc: dict, file: str) -> m.Spec:
    thresholds = _thresholds(doc)
    values = {k: t.value for k, t in thresholds.items()}

    def sub(text: str) -> str:
        return substitute_thresholds(text, values)

    settings_raw = doc.get("settings", {})
    retention = settings_raw.get("retention", {})
    stack_raw = doc.get("stack", {})
    return m.Spec(
        file=os.path.basename(file), name=doc["system"]["name"],
        title=doc["system"].get("title", doc["system"]["name"]), description=doc["system"].get("description", ""),
        settings=m.Settings(
            scrape_interval=settings_raw.get("scrape_interval", "15s"),
            evaluation_interval=settings_raw.get("evaluation_interval", "15s"),
            scrape_timeout=settings_raw.get("scrape_timeout"), retention_time=retention.get("time", "15d"),
            retention_size=retention.get("size"), external_labels=dict(settings_raw.get("external_labels", {})),
            runbook_base_url=settings_raw.get("runbook_base_url")),
        services=tuple(m.Service(
            name=s["name"], title=s.get("title", s["name"]), description=s.get("description", ""), port=s["port"],
            metrics_path=s.get("metrics_path", "/metrics"), scheme=s.get("scheme", "http"),
            health=dict(s.get("health", {})), labels=dict(s.get("labels", {})),
            scrape_interval=s.get("scrape_interval"), image=s.get("image"), command=tuple(s.get("command", ())))
            for s in doc["services"]),
        exporters=tuple(m.Exporter(e["kind"], e.get("name", f"{e['kind']}-exporter"),
                                   e.get("port", DEFAULT_EXPORTER_PORTS[e["kind"]]), e.get("image"))
                        for e in doc.get("exporters", [])),
        metrics=tuple(m.Metric(
            name=x["name"], type=x["type"], help=x["help"], labels=tuple(x.get("labels", ())),
            buckets=tuple(x["buckets"]) if "buckets" in x else None, group=x.get("group", "general"),
            unit=x.get("unit", ""), reference_name=x.get("reference_name"), service=x.get("service"))
            for x in doc["metrics"]),
        thresholds=thresholds,
        recording_rules=tuple(m.RecordingRule(r["record"], sub(r["expr"]), dict(r.get("labels", {})),
                                              r.get("description", "")) for r in doc.get("recording_rules", [])),
        alert_groups=tuple(m.AlertGroup(g["name"], g.get("title", g["name"]),
                                        tuple(_alert(a, g["name"], sub) for a in g["alerts"]), g.get("interval"))
                           for g in doc.get("alert_groups", [])),
        routing=_routing(doc.get("routing")),
        dashboards=tuple(_dashboard(d, thresholds, sub) for d in doc.get("dashboards", [])),
        stack=m.Stack(bind_address=stack_raw.get("bind_address", "127.0.0.1"),
                      ports={**DEFAULT_PORTS, **stack_raw.get("ports", {})}, images=dict(stack_raw.get("images", {}))),
    )
