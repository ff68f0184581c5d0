"""`stackgen import alertmanager`: an Alertmanager config as the spec's `routing:` section.

The route tree, receivers, inhibit rules and time intervals carry over. Alertmanager's legacy `match:` and
`match_re:` become matchers; a literal secret (a Slack or PagerDuty key, an SMTP password) is never written
into the spec: it becomes a `*_file` reference, and the report names the file to create. Names the spec
cannot carry are renamed everywhere they are used; settings it has no field for are left out and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackgen.errors import SpecError, SpecIssue
from stackgen.importer.alertmanager_shape import shape_issues
from stackgen.importer.report import Report
from stackgen.spec.loader import read_source
from stackgen.spec.yamlsource import Source

SECRETS_DIR = "/etc/alertmanager/secrets"
KINDS = {"slack_configs": "slack", "email_configs": "email", "pagerduty_configs": "pagerduty",
         "webhook_configs": "webhook"}
FIELDS = {
    "slack": ("api_url_file", "channel", "title", "text", "send_resolved"),
    "email": ("to", "from", "smarthost", "auth_username", "auth_password_file", "require_tls", "send_resolved"),
    "pagerduty": ("routing_key_file", "severity", "send_resolved"),
    "webhook": ("url", "send_resolved", "max_alerts"),
}
SECRETS = {"slack": ("api_url", "api_url_file"), "email": ("auth_password", "auth_password_file"),
           "pagerduty": ("routing_key", "routing_key_file")}
GLOBALS = {"slack": {"api_url": "slack_api_url", "api_url_file": "slack_api_url_file"},
           "email": {"from": "smtp_from", "smarthost": "smtp_smarthost", "auth_username": "smtp_auth_username",
                     "auth_password": "smtp_auth_password", "auth_password_file": "smtp_auth_password_file",
                     "require_tls": "smtp_require_tls"}}
ROUTE_KEYS = ("group_by", "group_wait", "group_interval", "repeat_interval")


def spec_name(name: str) -> str:
    """A receiver or time-interval name as the spec writes names: lowercase, a-z 0-9 _ -."""
    clean = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-_")
    return (clean if clean[:1].isalpha() else f"r-{clean}")[:63] or "receiver"


def legacy_matchers(route: dict[str, Any], prefix: str = "") -> list[str]:
    """`matchers` plus the legacy `match` (equality) and `match_re` (regex) maps, as matcher strings."""
    found = [str(m) for m in route.get(f"{prefix}matchers") or []]
    found += [f'{k}="{v}"' for k, v in (route.get(f"{prefix}match") or {}).items()]
    found += [f'{k}=~"{v}"' for k, v in (route.get(f"{prefix}match_re") or {}).items()]
    return found


class AlertmanagerImport:
    def __init__(self, source: Source, report: Report) -> None:
        self.source, self.report = source, report
        self.data: dict[str, Any] = source.data if isinstance(source.data, dict) else {}
        self.names: dict[str, str] = {}

    def where(self, path: tuple[str | int, ...]) -> str:
        return f"{self.source.file}:{self.source.line(path)}"

    def name(self, original: str, path: tuple[str | int, ...]) -> str:
        if original not in self.names:
            self.names[original] = spec_name(original)
            if self.names[original] != original:
                self.report.change(self.where(path), f"'{original}' named '{self.names[original]}' (spec names are "
                                                     "lowercase a-z, 0-9, _ and -)")
        return self.names[original]

    def receiver(self, raw: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
        name = self.name(str(raw.get("name")), path + ("name",))
        configs = [(KINDS[k], i, c) for k in KINDS for i, c in enumerate(raw.get(k) or [])]
        for key in sorted(set(raw) - {"name", *KINDS}):
            self.report.leave_out(self.where(path + (key,)), f"receiver {name}: '{key}' (no such receiver kind)")
        if len(configs) > 1:
            self.report.leave_out(self.where(path), f"receiver {name}: {len(configs) - 1} of its {len(configs)} "
                                                    "configs (a spec receiver has one; route to several instead)")
        if not configs:
            return {"name": name}
        kind, index, config = configs[0]
        at = path + (next(k for k, v in KINDS.items() if v == kind), index)
        defaults = self.data.get("global") or {}
        merged = {**{field: defaults[key] for field, key in GLOBALS.get(kind, {}).items()
                     if defaults.get(key) is not None}, **config}
        secret = SECRETS.get(kind)
        if secret and merged.get(secret[0]) is not None and secret[1] not in merged:
            merged[secret[1]] = f"{SECRETS_DIR}/{name}-{secret[0].replace('_', '-')}"
            self.report.change(self.where(at), f"receiver {name}: the secret '{secret[0]}' is not copied into the "
                                               f"spec; create the file {merged[secret[1]]} holding it")
        merged.pop(secret[0], None) if secret else None
        kept = {k: merged[k] for k in FIELDS[kind] if k in merged}
        for key in sorted(set(merged) - set(kept) - {"api_url", "auth_password", "routing_key"}):
            self.report.leave_out(self.where(at + (key,)), f"receiver {name}: {kind} setting '{key}'")
        return {"name": name, kind: kept}

    def route(self, raw: dict[str, Any], path: tuple[str | int, ...], root: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not root and (matchers := legacy_matchers(raw)):
            out["matchers"] = matchers
        if raw.get("receiver"):
            out["receiver"] = self.name(str(raw["receiver"]), path + ("receiver",))
        if raw.get("continue"):
            out["continue"] = True
        out.update({k: raw[k] for k in ROUTE_KEYS if k in raw})
        for key in ("mute_time_intervals", "active_time_intervals"):
            if raw.get(key):
                out[key] = [self.name(str(n), path + (key,)) for n in raw[key]]
        if raw.get("routes"):
            out["routes"] = [self.route(r, path + ("routes", i)) for i, r in enumerate(raw["routes"])]
        return out

    def routing(self) -> dict[str, Any]:
        raw_route = self.data.get("route")
        if not isinstance(raw_route, dict) or not raw_route.get("receiver"):
            raise SpecError([self.source.issue(("route",), "no 'route:' with a 'receiver:'",
                                               "an Alertmanager config routes every alert from its root route")])
        root = self.route(raw_route, ("route",), root=True)
        routing: dict[str, Any] = {"receiver": root.pop("receiver"), "group_by": root.pop("group_by", []), **root}
        routing["receivers"] = [self.receiver(r, ("receivers", i)) for i, r in enumerate(self.data.get("receivers") or [])]
        inhibit = [{"source_matchers": legacy_matchers(r, "source_"), "target_matchers": legacy_matchers(r, "target_"),
                    **({"equal": list(r["equal"])} if r.get("equal") else {})}
                   for r in self.data.get("inhibit_rules") or []]
        if inhibit:
            routing["inhibit_rules"] = inhibit
        intervals = [*(self.data.get("time_intervals") or []), *(self.data.get("mute_time_intervals") or [])]
        if intervals:
            routing["time_intervals"] = [{"name": self.name(str(t.get("name")), ("time_intervals", i)),
                                          "time_intervals": t.get("time_intervals") or []}
                                         for i, t in enumerate(intervals)]
        used = {key for fields in GLOBALS.values() for key in fields.values()}
        for key in sorted(set(self.data.get("global") or {}) - used):
            self.report.leave_out(self.where(("global", key)), f"global setting '{key}' (Alertmanager's default "
                                                               "applies)")
        for key in sorted(set(self.data) - {"global", "route", "receivers", "inhibit_rules", "time_intervals",
                                            "mute_time_intervals"}):
            self.report.leave_out(self.where((key,)), f"'{key}' (the spec has no place for it; stackgen renders "
                                                      "its own notification texts)")
        return routing


def import_alertmanager(path: Path) -> tuple[dict[str, Any], Report]:
    """The spec's `routing:` section of an Alertmanager config, and the report of what changed."""
    report = Report()
    source = read_source(path)
    issues = shape_issues(source)
    if issues:
        raise SpecError(issues)
    routing = AlertmanagerImport(source, report).routing()
    report.imported = [f"{len(routing['receivers'])} receiver(s)", f"{len(routing.get('routes', []))} top-level "
                       f"route(s)", f"{len(routing.get('inhibit_rules', []))} inhibit rule(s)",
                       f"{len(routing.get('time_intervals', []))} time interval(s)"]
    return routing, report


def routing_spec(routing: dict[str, Any], base: dict[str, Any], out_name: str,
                 origin: Path | None = None) -> dict[str, Any]:
    """The spec with `routing:` (a new rules-free spec, or `base` without routing of its own), checked; a
    problem with the routing is named at its line in `origin`, the Alertmanager config it came from."""
    from stackgen.output.serialize import yaml_text
    from stackgen.spec.loader import check_typed
    from stackgen.spec.yamlsource import parse_yaml

    if base.get("routing"):
        raise SpecError([SpecIssue(out_name, None, "routing", "the spec already has a 'routing:' section",
                                   "import into a spec without one, or write a new spec with --out")])
    spec = {"apiVersion": "stackgen/v1", **{k: v for k, v in base.items() if k != "apiVersion"}, "routing": routing}
    parsed = parse_yaml(yaml_text(spec).encode("utf-8"), out_name)
    text = _RoutingText(out_name, parsed.data, parsed.lines, read_source(origin) if origin else None)
    try:
        check_typed(text)
    except SpecError as exc:
        raise text.relocated(exc) from None
    return spec


@dataclass
class _RoutingText(Source):
    """The spec's text as checked, which is never written when it does not validate: an issue, and the other
    value a hint points at (`first defined ...`), are placed at their line in the Alertmanager config the
    routing came from, else at no line of this text."""

    origin: Source | None = None
    deepest: dict[int, tuple] = field(default_factory=dict)  # each line of the text: the deepest spec path on it

    def __post_init__(self) -> None:
        for path, line in self.lines.items():
            if len(path) >= len(self.deepest.get(line, ())):
                self.deepest[line] = path

    def _at(self, line: int | None) -> tuple:
        return _origin_path(self.deepest.get(line or 0, ()), self.origin.data) if self.origin else ()

    def place(self, path: tuple) -> str:
        at = self._at(self.line(path))
        return f"at {self.origin.file}:{self.origin.line(at)}" if self.origin and at else ""

    def relocated(self, exc: SpecError) -> SpecError:
        return SpecError([self.origin.issue(at, issue.message, issue.hint) if self.origin and (at := self._at(
            issue.line)) else SpecIssue(issue.file, None, issue.path, issue.message, issue.hint)
                          for issue in exc.issues])


def _origin_path(path: tuple, config: Any) -> tuple:
    """Where a value of the imported `routing:` came from in the config; near enough where the spec writes it
    otherwise (a matcher made from a legacy `match:` is found at its route)."""
    if path[:1] != ("routing",) or len(path) < 2:
        return ()
    head, rest = path[1], path[2:]
    if head == "routes":
        return ("route", "routes", *rest)
    if head == "receivers":  # `slack: {...}` is the first of the receiver's `slack_configs:`
        return ("receivers", rest[0], f"{rest[1]}_configs", 0, *rest[2:]) if rest[1:2] and rest[1] in FIELDS \
            else ("receivers", *rest)
    if head == "inhibit_rules":
        return (head, *rest)
    if head == "time_intervals":  # the config's time_intervals, then its mute_time_intervals
        first = len(config.get("time_intervals") or []) if isinstance(config, dict) else 0
        if rest and isinstance(rest[0], int) and rest[0] >= first:
            return ("mute_time_intervals", rest[0] - first, *rest[1:])
        return ("time_intervals", *rest)
    return ("route", head, *rest)
