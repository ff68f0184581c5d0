"""docs/MONITORING.md: every runbook link resolves, tables stay tables, and the content comes from the spec."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS

from stackgen.model import Metric
from stackgen.pipeline import render_stack
from stackgen.render.docs import github_anchor, metric_unit, render_monitoring_guide, watched_query
from stackgen.spec.loader import load_spec
from stackgen.targets.base import Placement
from stackgen.targets.layout import GUIDE
from stackgen.targets.registry import COMPOSE, TARGETS

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
HEADING = re.compile(r"^#{1,6} (.+?)\s*$")
FENCE = re.compile(r"^```")


def headings(markdown: str) -> list[str]:
    """Heading texts outside code blocks, in order."""
    out, in_code = [], False
    for line in markdown.splitlines():
        if FENCE.match(line):
            in_code = not in_code
        elif not in_code and (m := HEADING.match(line)):
            out.append(m.group(1))
    return out


def anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings, with its -1, -2 suffixes for repeats."""
    seen: dict[str, int] = {}
    out = set()
    for text in headings(markdown):
        base = github_anchor(text)
        count = seen.get(base, 0)
        out.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return out


@pytest.mark.parametrize("heading, anchor", [
    ("HighErrorRate (critical)", "higherrorrate-critical"),
    ("Quick start", "quick-start"),
    ("Reference metric names", "reference-metric-names"),
    ("Queue_Backlog: `depth` > 5!", "queue_backlog-depth--5"),
    ("Taskq overview", "taskq-overview"),
], ids=lambda v: v)
def test_github_anchor_matches_what_github_renders(heading, anchor):
    assert github_anchor(heading) == anchor


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_without_a_published_guide_no_alert_carries_a_runbook_link_that_would_be_dead(spec_path, target):
    """A path relative to the output folder is a dead link in every Slack or PagerDuty notification."""
    artifacts = render_stack(load_spec(spec_path), TARGETS[target])
    rules = [r for g in yaml.safe_load(artifacts.files["prometheus/alerts.yml"])["groups"] for r in g["rules"]]
    assert rules
    for rule in rules:
        assert "runbook_url" not in rule["annotations"], rule["alert"]


def test_an_alerts_own_runbook_url_is_kept_without_a_published_guide(tmp_path):
    path = tmp_path / "own.yaml"
    own = "        severity: critical\n        service: dashboard\n        runbook_url: https://wiki.example.com/down\n"
    path.write_text(PATRONUS.replace("        severity: critical\n        service: dashboard\n", own, 1))
    rules = yaml.safe_load(render_stack(load_spec(path), COMPOSE).files["prometheus/alerts.yml"])["groups"]
    links = {r["alert"]: r["annotations"].get("runbook_url") for g in rules for r in g["rules"]}
    assert links["DashboardDown"] == "https://wiki.example.com/down"
    assert links["HighErrorRate"] is None


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_every_link_inside_the_guide_resolves(spec_path):
    guide = render_monitoring_guide(load_spec(spec_path))
    links = re.findall(r"\]\(#([^)]+)\)", guide)
    assert links
    assert sorted(set(links) - anchors(guide)) == []


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_every_table_row_has_as_many_cells_as_its_header(spec_path):
    """A `|` in a summary (`{{ $value | humanize }}`) must be escaped, or it splits the cell."""
    tables = re.findall(r"(?:^\|.*\n)+", render_monitoring_guide(load_spec(spec_path)), flags=re.M)
    assert tables
    for table in tables:
        header, *rows = table.splitlines()
        width = len(re.findall(r"(?<!\\)\|", header))
        for line in rows:
            assert len(re.findall(r"(?<!\\)\|", line)) == width, line


def test_a_custom_runbook_base_url_keeps_the_anchors_of_the_guide(tmp_path):
    path = tmp_path / "published.yaml"
    published = "settings:\n  runbook_base_url: https://docs.example.com/mon.md\n"
    path.write_text(PATRONUS.replace("settings:\n", published, 1))
    artifacts = render_stack(load_spec(path), COMPOSE)
    guide = artifacts.files[GUIDE].decode()
    rules = [r for g in yaml.safe_load(artifacts.files["prometheus/alerts.yml"])["groups"] for r in g["rules"]]
    for rule in rules:
        base, _, anchor = rule["annotations"]["runbook_url"].partition("#")
        assert base == "https://docs.example.com/mon.md" and anchor in anchors(guide)


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_the_guide_covers_every_metric_threshold_alert_route_and_panel_of_the_spec(spec_path):
    spec = load_spec(spec_path)
    guide = render_monitoring_guide(spec)
    expected = [f"`{m.name}`" for m in spec.metrics]
    expected += [f"`{m.reference_name}` | `{m.name}`" for m in spec.metrics if m.reference_name]
    expected += [f"`{name}`" for name in spec.thresholds]
    expected += [f"### {a.name} ({a.severity})" for a in spec.alerts]
    expected += [f"**{r.name}**" for r in spec.routing.receivers if any(
        route.receiver == r.name for route in spec.routing.routes) or r.name == spec.routing.receiver]
    expected += [f"| {p.title} |" for d in spec.dashboards for p in d.panels]
    expected += [f"```promql\n{r.expr}\n```" for r in spec.recording_rules]
    expected += [f"```promql\n{a.expr}\n```" for a in spec.alerts]
    missing = [text for text in expected if text not in guide]
    assert missing == []


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_every_runbook_section_has_meaning_causes_steps_and_its_query(spec_path):
    spec = load_spec(spec_path)
    guide = render_monitoring_guide(spec)
    sections = re.split(r"^### ", guide.split("## Runbooks", 1)[1], flags=re.M)[1:]
    assert [s.splitlines()[0] for s in sections] == [f"{a.name} ({a.severity})" for a in spec.alerts]
    for alert, section in zip(spec.alerts, sections):
        for part in ("**What it means.**", "**Likely causes.**", "**First steps.**", "**The query to look at**"):
            assert part in section, f"{alert.name}: {part}"
        assert f"```promql\n{watched_query(alert.expr)}\n```" in section
        for step in alert.runbook.steps:
            assert step in section


@pytest.mark.parametrize("name, type_, unit, expected", [
    ("http_request_duration_seconds", "histogram", "", "seconds"),
    ("node_cpu_seconds_total", "counter", "", "seconds"),
    ("app_memory_usage_bytes", "gauge", "", "bytes"),
    ("sdwan_path_packet_loss_ratio", "gauge", "", "ratio (0-1)"),
    ("http_requests_total", "counter", "", ""),
    ("queue_depth", "gauge", "jobs", "jobs"),
], ids=lambda v: str(v))
def test_a_metric_unit_comes_from_the_spec_else_from_its_name_suffix(name, type_, unit, expected):
    assert metric_unit(Metric(name, type_, "help", unit=unit)) == expected


@pytest.mark.parametrize("expr, expected", [
    ('up{job="api"} == 0', 'up{job="api"}'),
    ("sum by (job) (rate(db_errors_total[5m])) > 0.05", "sum by (job) (rate(db_errors_total[5m]))"),
    ("0.9 < queue:ratio", "queue:ratio"),
    ("rate(x_total[5m]) > bool 1", "rate(x_total[5m]) > bool 1"),
    ("absent(up)", "absent(up)"),
], ids=["a comparison with zero", "an aggregation against a threshold", "the threshold on the left",
        "a bool comparison is kept whole", "an expression without a threshold is kept whole"])
def test_the_query_to_look_at_is_what_the_alert_compares_with_its_threshold(expr, expected):
    assert watched_query(expr) == expected


def test_the_quick_start_names_each_secret_file_and_the_password_file():
    spec = load_spec(SPECS[0])
    guide = render_monitoring_guide(spec, Placement("generated", "specs/patronus.yaml"))
    assert "stackgen generate specs/patronus.yaml\n" in guide
    assert "openssl rand -base64 18 | tr -d '\\n' > secrets/grafana_admin_password" in guide
    targets = {v for r in spec.routing.receivers for k, v in r.config.items() if k.endswith("_file")}
    for target in targets:
        assert f"| `secrets/{Path(target).name}` | `{target}` |" in guide


@pytest.mark.parametrize("placement, command", [
    (Placement(), "stackgen generate"),
    (Placement("generated", "stackgen.yaml"), "stackgen generate stackgen.yaml"),
    (Placement("monitoring", "../specs/shop.yaml"), "stackgen generate ../specs/shop.yaml --out monitoring"),
    (Placement("generated", "my specs/shop.yaml"), "stackgen generate 'my specs/shop.yaml'"),
], ids=["the embedded example needs no path", "a spec beside the compose file", "another output folder is named",
        "a path with a space is quoted for the shell"])
def test_the_guide_regenerates_with_the_spec_path_as_seen_from_the_compose_folder(placement, command):
    guide = render_monitoring_guide(load_spec(SPECS[0]), placement)
    assert f"\n{command}\n" in guide
    assert f"run `{command}` again" in guide
