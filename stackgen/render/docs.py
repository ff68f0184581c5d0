"""docs/MONITORING.md: the monitoring guide, rendered with Jinja2 from the spec (prose only).

This module prepares plain data (words for routes, units from metric names, the query an alert
watches); the template lays it out. Nothing in the guide is typed by hand, so it cannot drift.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from importlib import resources
from pathlib import PurePosixPath

import jinja2

from stackgen import promql
from stackgen.model import Alert, Metric, Receiver, Route, Spec
from stackgen.process.fast import seconds
from stackgen.process.slo_dashboard import slo_dashboard_uid
from stackgen.process.slo_model import PAGE_WINDOWS, SLO, TICKET_WINDOWS, BucketSLI, BurnWindow, number
from stackgen.process.slo_rules import exhausted_in, sli_queries
from stackgen.render.compose import CONTAINER_PORTS, PASSWORD_FILE, secret_files
from stackgen.render.remote_write import REMOTE_BACKENDS
from stackgen.render.rule_files import case_files
from stackgen.spec.environments import overlay_path
from stackgen.targets.base import Placement
from stackgen.targets.layout import COMPOSE_FILE, DEFAULT_OUT, SLO_RULES, SLO_TESTS

TEMPLATE = "MONITORING.md.j2"

# Base-unit suffixes of the Prometheus naming conventions, checked after `_total` is removed.
UNIT_SUFFIXES = (
    ("_seconds", "seconds"), ("_bytes", "bytes"), ("_ratio", "ratio (0-1)"), ("_percent", "percent"),
    ("_celsius", "degrees Celsius"), ("_meters", "meters"), ("_volts", "volts"), ("_amperes", "amperes"),
    ("_joules", "joules"), ("_grams", "grams"), ("_hertz", "hertz"), ("_info", "info (value always 1)"),
)
COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
SECRET_WHAT = {"api_url_file": "the Slack incoming-webhook URL", "routing_key_file": "the PagerDuty routing key",
               "auth_password_file": "the SMTP password"}
# The settings the template is written for. Compiling it takes longer than rendering it, so the package ships
# it compiled (render/guide_template.py, made by scripts/compile-templates.sh) and reads that with these.
_ENV = jinja2.Environment(autoescape=False, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)


def metric_unit(metric: Metric) -> str:
    """The spec's unit, else the one the metric's name announces, else empty."""
    if metric.unit:
        return metric.unit
    name = metric.name.removesuffix("_total")
    return next((unit for suffix, unit in UNIT_SUFFIXES if name.endswith(suffix)), "")


def watched_query(expr: str) -> str:
    """What an alert compares with its threshold (`a > 0.5` -> `a`): the series to graph."""
    try:
        node = promql.parse(expr)
    except promql.PromQLSyntaxError:
        return expr
    if isinstance(node, promql.promql_parser.BinaryExpr) and str(node.op) in COMPARISONS \
            and not (node.modifier and node.modifier.return_bool):
        for side, other in ((node.lhs, node.rhs), (node.rhs, node.lhs)):
            if isinstance(other, promql.promql_parser.NumberLiteral):
                return side.prettify()
    return expr


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def describe_receiver(receiver: Receiver) -> str:
    config = receiver.config
    return {
        "slack": lambda: f"Slack channel {config.get('channel', '')}",
        "email": lambda: f"email to {config.get('to', '')}",
        "pagerduty": lambda: "PagerDuty",
        "webhook": lambda: f"webhook {config.get('url', '')}",
    }.get(receiver.kind, lambda: "nobody (notifications are dropped)")()


def describe_matchers(matchers: tuple[str, ...]) -> str:
    return " and ".join(f"`{m}`" for m in matchers) if matchers else "every alert"


def _routes(routes: tuple[Route, ...], depth: int = 0) -> list[dict]:
    out = []
    for route in routes:
        timing = [f"{label} {value}" for label, value in (("first notification after", route.group_wait),
                                                           ("batches every", route.group_interval),
                                                           ("repeats every", route.repeat_interval)) if value]
        timing += [f"{label} {', '.join(f'`{n}`' for n in names)}" for label, names in (
            ("muted during", route.mute_time_intervals), ("sends only during", route.active_time_intervals)) if names]
        if route.group_by is not None:
            timing.insert(0, "grouped by " + ", ".join(f"`{g}`" for g in route.group_by))
        out.append({"depth": depth, "matchers": describe_matchers(route.matchers), "receiver": route.receiver,
                    "timing": timing, "continue": route.continue_})
        out.extend(_routes(route.routes, depth + 1))
    return out


def _alert(spec: Spec, alert: Alert, group_titles: dict[str, str]) -> dict:
    threshold = spec.thresholds.get(alert.threshold) if alert.threshold else None
    return {
        "alert": alert, "group_title": group_titles[alert.group], "heading": f"{alert.name} ({alert.severity})",
        "link": alert.runbook_url or f"#{alert.anchor}",
        "threshold": (f"{threshold.name} = {promql.format_number(threshold.value)}"
                      + (f" {threshold.unit}" if threshold.unit else "")) if threshold else "",
        "query": watched_query(alert.expr),
    }


def _budget_minutes(slo: SLO) -> str:
    minutes = slo.error_budget * seconds(slo.window) / 60
    return f"{number(round(minutes, 1))} minutes"


def _burn(slo: SLO, window: BurnWindow) -> dict:
    return {"factor": number(window.factor(slo.window)), "long": window.long, "short": window.short,
            "share": number(window.budget_percent), "exhausted": exhausted_in(slo, window)}


def _slo(spec: Spec, slo: SLO) -> dict:
    """What the guide says about one objective: its promise, its budget and what each of its alerts asks for."""
    alerts = {a.name: a for a in spec.alerts}
    errors, total = sli_queries(slo, "5m")
    sli = slo.sli
    return {
        "slo": slo, "objective": number(slo.objective), "budget": number(round(slo.error_budget * 100, 10)),
        "budget_minutes": _budget_minutes(slo), "errors": errors, "total": total,
        "latency": f"{sli.metric} at or under {sli.le}" if isinstance(sli, BucketSLI) else "",
        "levels": [{"kind": kind, "alert": alerts.get(name), "windows": [_burn(slo, w) for w in windows]}
                   for kind, name, windows in (("page", slo.page_name, PAGE_WINDOWS),
                                               ("ticket", slo.ticket_name, TICKET_WINDOWS))],
        "dashboard": next((d.title for d in spec.dashboards if d.uid == slo_dashboard_uid(spec)), ""),
    }


def _host(spec: Spec) -> str:
    bind = spec.stack.bind_address
    return "127.0.0.1" if bind in ("0.0.0.0", "::", "") else (f"[{bind}]" if ":" in bind else bind)


def generate_command(placement: Placement) -> str:
    """The command that renders this output again, run from the folder that holds the compose file."""
    words = ["stackgen", "generate"]
    if placement.spec is not None:  # None: the embedded example, what `stackgen generate` renders
        words.append(placement.spec)
    if placement.environment:  # its default folder is not relative to here, so --out is always given
        words += ["--env", placement.environment]
    if placement.out_name != DEFAULT_OUT or placement.environment:
        words += ["--out", placement.out_name]
    return shlex.join(words)


def guide_data(spec: Spec, placement: Placement) -> dict:
    """Everything the template shows, computed once from the spec and where it is rendered."""
    host, ports = _host(spec), spec.stack.ports
    routing = spec.routing
    receivers = {r.name: describe_receiver(r) for r in routing.receivers} if routing else {}
    used_by: dict[str, list[str]] = {}
    group_titles = {g.name: g.title for g in spec.alert_groups}
    for alert in spec.alerts:
        if alert.threshold:
            used_by.setdefault(alert.threshold, []).append(f"{alert.name} ({alert.severity})")
    return {
        "spec": spec, "compose_file": COMPOSE_FILE, "password_file": PASSWORD_FILE,
        "generate": generate_command(placement), "environment": placement.environment,
        "overlay": overlay_path(PurePosixPath(spec.file), placement.environment).name if placement.environment else "",
        "secrets": [{"file": s.source[2:], "target": s.target, "receivers": ", ".join(s.receivers),
                     "what": SECRET_WHAT.get(_secret_key(routing.receivers if routing else (), s.target), "the secret")}
                    for s in secret_files(spec)],
        "components": [
            {"name": "Prometheus", "url": f"http://{host}:{ports['prometheus']}", "port": CONTAINER_PORTS["prometheus"],
             "health": "/-/healthy"},
            {"name": "Alertmanager", "url": f"http://{host}:{ports['alertmanager']}",
             "port": CONTAINER_PORTS["alertmanager"], "health": "/-/healthy"},
            {"name": "Grafana", "url": f"http://{host}:{ports['grafana']}", "port": CONTAINER_PORTS["grafana"],
             "health": "/api/health"},
        ],
        "host": host, "webhook_port": ports["webhook"], "remote_backends": REMOTE_BACKENDS,
        "metrics": [{"metric": m, "unit": metric_unit(m)} for m in spec.metrics],
        "references": [m for m in spec.metrics if m.reference_name],
        "unit_of": {m.name: metric_unit(m) for m in spec.metrics},  # looked up per reference, never scanned
        "thresholds": [{"threshold": t, "value": promql.format_number(t.value), "used_by": used_by.get(t.name, [])}
                       for t in spec.thresholds.values()],
        "alerts": [_alert(spec, a, group_titles) for a in spec.alerts],
        "receivers": receivers,
        "routes": _routes(routing.routes) if routing else [],
        "slos": [_slo(spec, s) for s in spec.slos],
        "slo_rules": SLO_RULES, "slo_tests": next((f.path for f in case_files(spec) if f.path == SLO_TESTS), None),
    }


def _secret_key(receivers, target: str) -> str:
    return next((k for r in receivers for k, v in r.config.items() if v == target), "")


def _cell(text: object) -> str:
    """Table-safe text: one line, pipes escaped (Prometheus templates use `|`)."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _code(text: object) -> str:
    text = " ".join(str(text).split())
    return f"`` {text} ``" if "`" in text else f"`{text}`"


_ENV.filters["cell"] = _cell
_ENV.filters["code"] = _code
_ENV.filters["anchor"] = github_anchor


def template_source() -> str:
    """The guide template's Jinja2 source, as shipped in the package."""
    return resources.files("stackgen").joinpath("templates").joinpath(TEMPLATE).read_text(encoding="utf-8")


def source_digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def compile_template(source: str) -> str:
    """What render/guide_template.py holds for `source`: Jinja2's compiled form of it, then its digest. Nothing
    goes before the code: Jinja2 maps the module's line numbers back to the template's in its error messages."""
    code = _ENV.compile(source, TEMPLATE, TEMPLATE, raw=True, defer_init=True)
    return (f"{code}\n\n# {TEMPLATE} compiled by Jinja2 for render/docs.py, which reads it while SOURCE_SHA256 is the"
            f" template's digest\n# and the installed Jinja2 is of the JINJA2_SERIES it was compiled with.\n"
            f"# Generated by scripts/compile-templates.sh: do not edit.\n"
            f"SOURCE_SHA256 = {source_digest(source)!r}\nJINJA2_SERIES = {jinja2_series(jinja2.__version__)!r}\n")


def jinja2_series(version: str) -> str:
    """'3.1' of '3.1.6': compiled templates call Jinja2's runtime, which a new minor release may change."""
    return ".".join(version.split(".")[:2])


def load_template() -> jinja2.Template:
    """The compiled template when it was compiled from the template as it is now, by the Jinja2 series installed;
    else (the source was edited and not compiled again, or another Jinja2 is installed) the source, compiled
    here, so the guide always says what the source says."""
    source = template_source()
    try:  # imported here, not above: scripts/compile-templates.sh imports this module to write that one
        from stackgen.render import guide_template as compiled
    except ImportError:  # a Jinja2 whose runtime lacks a name the compiled form imports
        return _ENV.from_string(source)
    if (source_digest(source) == compiled.SOURCE_SHA256
            and jinja2_series(jinja2.__version__) == getattr(compiled, "JINJA2_SERIES", None)):
        return jinja2.Template.from_module_dict(_ENV, vars(compiled), _ENV.make_globals(None))
    return _ENV.from_string(source)


def render_monitoring_guide(spec: Spec, placement: Placement = Placement()) -> str:
    """The guide as Markdown text. Pure: same spec and placement, same text."""
    return load_template().render(**guide_data(spec, placement))
