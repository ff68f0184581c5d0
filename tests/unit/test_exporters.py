"""Exporters: the catalog shipped as data, the generic form, and what generate, up and verify make of them."""

from __future__ import annotations

import re
import stat
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from stackgen.local.exporters import local_command, stand_in_notes, unrunnable, unrunnable_hint
from stackgen.local.runner import Binaries, plan_stack
from stackgen.model import Spec
from stackgen.pipeline import render_stack
from stackgen.render.compose import render_compose
from stackgen.render.prometheus import render_prometheus_config
from stackgen.spec.exporter_catalog import catalog_entry, exporter_metrics
from stackgen.spec.loader import load_spec
from stackgen.spec.v1.exporters import CATALOG_KINDS, Exporter
from stackgen.targets.base import Placement
from stackgen.targets.local import LOCAL
from stackgen.targets.registry import COMPOSE
from stackgen.verify.exporters import absent_reason, absent_series, merged_panels, unproven_panels
from stackgen.verify.report import PROVEN, SKIPPED, PanelResult

PAYMENTS = ROOT / "specs" / "payments.yaml"
README = (ROOT / "README.md").read_text()
TAG = re.compile(r"^[\w./-]+:v?\d+\.\d+\.\d+(-alpine)?$")  # a release tag; no digest is pinned for catalog images yet
MINIMAL = """\
apiVersion: stackgen/v1
system: {name: shop}
services: [{name: web, port: 8080, demo: true}]
metrics: [{name: orders_total, type: counter, help: Orders placed.}]
exporters:
EXPORTERS
alert_groups:
  - name: deps
    alerts:
      - {name: DepDown, expr: 'EXPR', severity: warning, summary: A dependency is down}
routing:
  receiver: team
  receivers: [{name: team, webhook: {url: "http://hooks.internal/alerts"}}]
"""


def spec_text(tmp_path: Path, exporters: str, expr: str = "up == 0") -> Path:
    path = tmp_path / "shop.yaml"
    path.write_text(MINIMAL.replace("EXPORTERS", exporters).replace("EXPR", expr))
    return path


def payments() -> Spec:
    return load_spec(PAYMENTS)


def test_the_catalog_files_are_exactly_the_catalog_kinds():
    folder = resources.files("stackgen.spec").joinpath("exporters")
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml")) == sorted(
        f"{kind}.yaml" for kind in CATALOG_KINDS)


@pytest.mark.parametrize("kind", CATALOG_KINDS)
def test_each_catalog_entry_names_its_kind_once_per_metric_with_a_listen_address(kind):
    entry = catalog_entry(kind)
    names = [m.name for m in entry.metrics]
    assert entry.kind == kind
    assert len(names) == len(set(names)) and names
    assert any("{port}" in arg for arg in entry.listen_args)
    assert entry.binaries


@pytest.mark.parametrize("kind", [k for k in CATALOG_KINDS if k != "node"])
def test_each_catalog_image_is_pinned_by_a_release_tag_and_listed_in_the_readme(kind):
    image = catalog_entry(kind).image
    assert image and TAG.match(image), image
    assert f"`{image}`" in README.split("### Exporter catalog", 1)[1]


def test_a_catalog_kind_brings_its_job_name_port_and_path():
    postgres, blackbox = Exporter(kind="postgres"), Exporter(kind="blackbox")
    assert (postgres.name, postgres.port, postgres.metrics_path) == ("postgres-exporter", 9187, "/metrics")
    assert (blackbox.name, blackbox.port, blackbox.metrics_path) == ("blackbox-exporter", 9115, "/probe")


def test_declared_exporter_metrics_add_to_the_catalog_and_win_on_a_shared_name():
    exporter = Exporter.model_validate({"kind": "redis", "metrics": [
        {"name": "redis_up", "type": "gauge", "labels": ["shard"]},
        {"name": "redis_cluster_state", "type": "gauge"}]})
    metrics = {m.name: m for m in exporter_metrics(exporter)}
    assert metrics["redis_up"].labels == ("shard",)
    assert "redis_cluster_state" in metrics and "redis_memory_used_bytes" in metrics


@pytest.mark.parametrize("exporters, expr", [
    ("  - kind: postgres", "pg_up == 0"),
    ("  - kind: redis", "redis_memory_used_bytes / redis_memory_max_bytes > 0.9"),
    ("  - kind: postgres", 'rate(pg_stat_database_xact_rollback{datname=\\"shop\\"}[5m]) > 1'),
    ("  - {kind: custom, name: billing, port: 9500, image: 'billing:1', metrics: [{name: billing_runs, "
     "type: counter}]}", "rate(billing_runs[5m]) == 0"),
], ids=["pg_up from the catalog", "redis memory from the catalog", "a counter without _total",
        "a custom exporter's own counter without _total"])
def test_an_expression_on_an_exporter_metric_validates_strictly_without_redeclaring_it(cli, tmp_path, exporters, expr):
    result = cli("validate", "--strict", spec_text(tmp_path, exporters, expr.replace('\\"', '"')))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_a_catalog_metric_is_unknown_without_its_exporter(cli, tmp_path):
    result = cli("validate", spec_text(tmp_path, "  - kind: redis", "pg_up == 0"))
    assert result.exit_code == 2
    assert "unknown metric 'pg_up'" in result.stderr


def test_prometheus_scrapes_an_exporter_at_its_path_with_its_parameters_and_interval(tmp_path):
    spec = load_spec(spec_text(tmp_path, "  - {kind: blackbox, scrape_interval: 30s, params: {module: [http_2xx], "
                                         "target: ['https://shop.example.org/health']}}", "probe_success == 0"))
    job = render_prometheus_config(spec, COMPOSE)["scrape_configs"][-1]
    assert job == {"job_name": "blackbox-exporter", "scrape_interval": "30s", "metrics_path": "/probe",
                   "params": {"module": ["http_2xx"], "target": ["https://shop.example.org/health"]},
                   "static_configs": [{"targets": ["blackbox-exporter:9115"]}]}


def test_compose_runs_a_catalog_exporter_on_its_port_with_its_environment_and_secret_file():
    compose = render_compose(payments(), Placement())
    postgres = compose["services"]["postgres-exporter"]
    assert postgres["image"] == catalog_entry("postgres").image
    assert postgres["command"] == ["--web.listen-address=0.0.0.0:9187"]
    assert postgres["environment"]["DATA_SOURCE_PASS_FILE"] == "/run/secrets/postgres_password"
    assert postgres["secrets"] == [{"source": "postgres_password", "target": "/run/secrets/postgres_password"}]
    assert compose["secrets"]["postgres_password"] == {"file": "./secrets/postgres_password"}
    assert "postgres_password" not in [s["source"] for s in compose["services"]["alertmanager"]["secrets"]]


def test_a_custom_exporter_runs_the_users_image_without_stackgens_hardening(tmp_path):
    spec = load_spec(spec_text(tmp_path, "  - {kind: custom, name: billing, port: 9500, image: 'billing:1'}"))
    billing = render_compose(spec, Placement())["services"]["billing"]
    assert billing["image"] == "billing:1" and "read_only" not in billing and "command" not in billing


def test_up_runs_an_exporter_from_its_command_with_host_port_and_environment(tmp_path):
    spec = load_spec(spec_text(tmp_path, "  - {kind: redis, port: 19121, environment: {REDIS_ADDR: 'redis://r:6379'}, "
                                         "command: [my-redis-exporter, '--web.listen-address={host}:{port}']}"))
    plan = plan_stack(spec, None, Binaries("/bin/prometheus", "/bin/alertmanager", None), tmp_path)
    exporter = next(c for c in plan if c.name == "redis-exporter")
    assert exporter.command == ["my-redis-exporter", "--web.listen-address=127.0.0.1:19121"]
    assert exporter.env == {"REDIS_ADDR": "redis://r:6379"}


def test_up_finds_a_catalog_exporters_binary_on_path(tmp_path, monkeypatch):
    binary = tmp_path / "prometheus-postgres-exporter"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(binary.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))
    exporter = payments().exporters[0]
    assert local_command(exporter, None) == [str(binary), "--web.listen-address=127.0.0.1:9187"]


def test_up_drops_an_exporter_it_cannot_run_and_says_what_would_run_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    dropped = unrunnable(payments(), "/usr/bin/prometheus-node-exporter")
    assert [e.name for e in dropped] == ["postgres-exporter", "redis-exporter"]
    assert unrunnable_hint(dropped).splitlines()[0] == (
        "not running or scraping postgres-exporter: no 'command:' and no prometheus-postgres-exporter or "
        "postgres_exporter on PATH (give the exporter a command with {host} and {port}, or install the Debian "
        "package prometheus-postgres-exporter)")


def test_up_does_not_refuse_exporter_counters_without_total(tmp_path):
    spec = payments()
    assert any(m.type == "counter" and not m.name.endswith("_total") for e in spec.exporters for m in e.metrics)
    plan = plan_stack(spec, None, Binaries("/bin/prometheus", "/bin/alertmanager", None), tmp_path)
    assert [c.name for c in plan][:2] == ["consumer", "api"]


def test_verify_knows_which_series_and_rules_an_exporter_it_cannot_run_would_have_given():
    full = payments()
    spec = replace(full, exporters=full.exporters[2:])
    absent = absent_series(full.exporters, spec)
    assert absent["pg_up"] == "postgres-exporter" and absent["redis_up"] == "redis-exporter"
    assert "node_load1" not in absent
    assert absent_reason(["pg_up == 0"], absent, ["postgres-exporter"]) == (
        "it reads pg_up, exposed by postgres-exporter, which verify cannot run here")
    assert absent_reason(['up{job="postgres-exporter"} == 0'], {}, ["postgres-exporter"]) == (
        "it reads the scrape job postgres-exporter, which verify cannot run here")
    assert absent_reason(['up{job="api"} == 0'], absent, ["postgres-exporter"]) is None


def test_verify_reports_the_panels_of_an_exporter_it_cannot_run_as_skipped_in_dashboard_order():
    full = payments()
    absent = absent_series(full.exporters, replace(full, exporters=()))
    skipped = unproven_panels(full, absent, ["postgres-exporter", "redis-exporter", "node-exporter"])
    assert sorted(panel for _, panel in skipped) == ["Host CPU busy", "PostgreSQL connections", "Redis memory"]
    checked = [PanelResult(d.title, p.title, PROVEN) for d in full.dashboards for p in d.panels
               if (d.title, p.title) not in skipped]
    merged = merged_panels(full, checked, skipped)
    assert [r.panel for r in merged] == [p.title for d in full.dashboards for p in d.panels]
    assert {r.panel for r in merged if r.status == SKIPPED} == {p for _, p in skipped}


def test_the_local_config_scrapes_every_declared_exporter_before_up_drops_any():
    files = render_stack(payments(), LOCAL).files
    config = yaml.safe_load(files["prometheus/prometheus.yml"])
    assert [j["job_name"] for j in config["scrape_configs"]][-3:] == ["postgres-exporter", "redis-exporter",
                                                                      "node-exporter"]


def test_up_and_verify_say_when_the_demo_service_stands_in_for_a_services_image(tmp_path):
    text = spec_text(tmp_path, "  - kind: node").read_text().replace(
        "{name: web, port: 8080, demo: true}", "{name: web, port: 8080, image: 'shop/web:2.1'}")
    (tmp_path / "shop.yaml").write_text(text)
    assert stand_in_notes(load_spec(tmp_path / "shop.yaml")) == [
        "web: running stackgen's demo service in place of image shop/web:2.1 (it serves the metrics the spec "
        "declares for it; the image runs under docker compose)"]
    assert stand_in_notes(payments()) == []
