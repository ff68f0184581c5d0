"""`stackgen import rules` and the spec-format relaxations imported rule sets need, through the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
TASKQ = Path(__file__).parent.parent.parent / "specs" / "taskq.yaml"


def _spec(body: str) -> str:
    return "apiVersion: stackgen/v1\n" + body


RECORD_TWICE = _spec("""metrics:
  - {name: jobs_total, type: counter, help: Jobs., inferred: true}
recording_groups:
  - name: jobs.rules
    interval: 3m
    limit: 10
    rules:
      - {record: 'job:jobs:rate5m', expr: 'sum(rate(jobs_total{queue="a"}[5m]))', labels: {queue: a}}
      - {record: 'job:jobs:rate5m', expr: 'sum(rate(jobs_total{queue="b"}[5m]))', labels: {queue: b}}
""")

VALID = [
    ("a recording rule may be recorded again under other fixed labels", RECORD_TWICE),
    ("two alerts share a name when their labels differ", _spec("""metrics:
  - {name: jobs_total, type: counter, help: Jobs., external: true}
alert_groups:
  - name: jobs
    interval: 1m
    limit: 5
    alerts:
      - {name: JobsStuck, expr: 'rate(jobs_total[5m]) == 0', severity: warning, labels: {team: a}}
      - {name: JobsStuck, expr: 'rate(jobs_total[5m]) == 0', severity: warning, labels: {team: b}}
""")),
    ("an expression longer than 4,000 characters is accepted", _spec(
        "metrics:\n  - {name: x, type: gauge, help: X., inferred: true}\nrecording_groups:\n  - name: long\n    rules:\n"
        "      - {record: 'x:long', expr: 'sum(x{pod=~\"" + "|".join(f"pod-{i}" for i in range(800)) + "\"})'}\n")),
    ("a rules-only spec needs no system, services, metrics or routing", _spec(
        "alert_groups:\n  - name: watchdog\n    alerts:\n      - {name: Watchdog, expr: vector(1), severity: info}\n")),
]


@pytest.mark.parametrize("text", [t for _, t in VALID], ids=[n for n, _ in VALID])
def test_a_rules_only_spec_validates_strictly(text: str, tmp_path: Path, cli) -> None:
    spec = tmp_path / "rules.yaml"
    spec.write_text(text)
    result = cli("validate", spec, "--strict")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr == ""


def test_a_spec_that_declares_nothing_is_refused(tmp_path: Path, cli) -> None:
    spec = tmp_path / "empty.yaml"
    spec.write_text(_spec(""))
    result = cli("validate", spec)
    assert result.exit_code == 2
    assert "empty.yaml:1: the spec declares nothing to monitor or alert on (add 'services:'" in result.stderr


def test_recording_groups_render_with_their_interval_and_limit(tmp_path: Path, cli) -> None:
    spec = tmp_path / "jobs.yaml"
    spec.write_text(RECORD_TWICE)
    assert cli("generate", spec, "--out", tmp_path / "out").exit_code == 0
    rules = yaml.safe_load((tmp_path / "out" / "prometheus" / "recording.yml").read_text())
    assert [(g["name"], g.get("interval"), g.get("limit"), len(g["rules"])) for g in rules["groups"]] == [
        ("jobs.rules", "3m", 10, 2)]


def test_the_same_recording_rule_twice_is_refused_with_its_line(tmp_path: Path, cli) -> None:
    spec = tmp_path / "jobs.yaml"
    spec.write_text(RECORD_TWICE.replace("labels: {queue: b}", "labels: {queue: a}"))
    result = cli("validate", spec)
    assert result.exit_code == 2
    assert ("jobs.yaml:10: recording_groups[jobs.rules].rules[job:jobs:rate5m].record: duplicate recording rule "
            "'job:jobs:rate5m{queue=\"a\"}' (first defined on line 9") in result.stderr


def test_the_naming_lint_still_judges_the_metrics_a_spec_owns(tmp_path: Path, cli) -> None:
    spec = tmp_path / "own.yaml"
    spec.write_text(RECORD_TWICE.replace(", inferred: true", ", labels: [queue]").replace("jobs_total", "jobs_count"))
    result = cli("validate", spec, "--strict")
    assert result.exit_code == 2
    assert "counter 'jobs_count' does not end in _total" in result.stderr


def test_import_writes_a_spec_and_reports_what_it_did(tmp_path: Path, cli) -> None:
    out = tmp_path / "node.yaml"
    result = cli("import", "rules", FIXTURES / "node.rules.yaml", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported: 1 file(s); 1 alert group(s) with 5 alert(s); 1 recording group(s) "
                                    "with 6 recording rule(s); 8 metric(s) declared with inferred types")
    spec = yaml.safe_load(out.read_text())
    assert {m["name"]: m["type"] for m in spec["metrics"]}["node_vmstat_pgmajfault"] == "counter"
    assert all(m["inferred"] for m in spec["metrics"])
    assert cli("validate", out, "--strict").exit_code == 0


def test_import_never_overwrites_a_file_unasked(tmp_path: Path, cli) -> None:
    out = tmp_path / "spec.yaml"
    out.write_text("mine\n")
    result = cli("import", "rules", FIXTURES / "node.rules.yaml", "--out", out)
    assert result.exit_code == 1
    assert "spec.yaml: already exists; stackgen import never overwrites a file unasked" in result.stderr
    assert out.read_text() == "mine\n"
    assert cli("import", "rules", FIXTURES / "node.rules.yaml", "--out", out, "--force").exit_code == 0
    assert out.read_text().startswith("# Imported by `stackgen import`")


BAD = [
    ("a group without a name", "groups:\n  - rules: []\n", "bad.yaml:2: groups[0]: a group needs a 'name:'"),
    ("invalid PromQL", "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: 'sum(('\n",
     "bad.yaml:5: groups[g].rules[0].expr: invalid PromQL"),
    ("a rule that is both", "groups:\n  - name: g\n    rules:\n      - {alert: A, record: b, expr: up}\n",
     "bad.yaml:4: groups[g].rules[b]: a rule has exactly one of 'alert:' and 'record:'"),
    ("not a rule file", "apiVersion: stackgen/v1\n", "bad.yaml:1: not a Prometheus rule file: no 'groups:' list"),
    ("a group interval that is no duration is refused at its own line",
     "groups:\n  - name: g\n    interval: .inf\n    rules:\n      - {alert: A, expr: up == 0, labels: {severity: info}}\n",
     "bad.yaml:3: groups[g].interval: expected a string, got inf (Prometheus duration, e.g. 30s, 5m, 1h30m)"),
    ("a negative group limit is refused at its own line",
     "groups:\n  - name: g\n    limit: -5\n    rules:\n      - {alert: A, expr: up == 0, labels: {severity: info}}\n",
     "bad.yaml:3: groups[g].limit: -5 is below the minimum of 0"),
    ("a file none of whose rules the spec can carry says why each was left out",
     "groups:\n  - name: g\n    rules:\n      - {alert: A, expr: up == 0}\n",
     "bad.yaml: no rule the spec can carry: bad.yaml:4: alert A: severity None is not "
     "one of critical, warning, info (the spec's severity field; routing reads it) (nothing was written)"),
]


@pytest.mark.parametrize("text, message", [(t, m) for _, t, m in BAD], ids=[n for n, _, _ in BAD])
def test_bad_rule_files_get_a_located_error_and_nothing_is_written(text: str, message: str, tmp_path: Path,
                                                                  cli) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    result = cli("import", "rules", bad, "--out", tmp_path / "spec.yaml")
    assert result.exit_code == 2
    assert message in result.stderr.replace(f"{tmp_path}/", "")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "spec.yaml").exists()


def test_rules_the_spec_cannot_carry_are_left_out_and_named(tmp_path: Path, cli) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text("groups:\n  - name: g\n    rules:\n      - {alert: NoSeverity, expr: up == 0}\n"
                     "      - {alert: Kept, expr: up == 0, labels: {severity: info}}\n")
    result = cli("import", "rules", rules)
    assert result.exit_code == 0
    assert "r.yaml:4: alert NoSeverity: severity None is not one of critical, warning, info" in result.stderr
    assert "name: Kept" in result.stdout and "NoSeverity" not in result.stdout


def test_import_merges_into_an_existing_spec(tmp_path: Path, cli) -> None:
    spec = tmp_path / "taskq.yaml"
    spec.write_bytes(TASKQ.read_bytes())
    result = cli("import", "rules", FIXTURES / "prometheus.rules.yaml", "--merge", spec)
    assert result.exit_code == 0, result.stderr
    merged = yaml.safe_load(spec.read_text())
    assert merged["system"]["name"] == "taskq"
    assert "prometheus-extra" in [g["name"] for g in merged["alert_groups"]]
    assert cli("validate", spec).exit_code == 0



MERGES = [
    ("rules", FIXTURES / "node.rules.yaml"),
    ("alertmanager", FIXTURES / "alertmanager.yml"),
    ("dashboard", FIXTURES / "node-overview.dashboard.json"),
]
SCHEMA_LINE = "# yaml-language-server: $schema=stackgen.schema.json\n"


@pytest.mark.parametrize("kind, source", MERGES, ids=[kind for kind, _ in MERGES])
def test_a_merge_keeps_the_editor_schema_line_of_the_spec_it_rewrites(kind: str, source: Path, tmp_path: Path,
                                                                      cli) -> None:
    spec = tmp_path / "stackgen.yaml"
    assert cli("import", "rules", FIXTURES / "prometheus.rules.yaml", "--out", spec).exit_code == 0
    spec.write_text(SCHEMA_LINE + spec.read_text())
    result = cli("import", kind, source, "--merge", spec)
    assert result.exit_code == 0, result.stderr
    lines = spec.read_text().splitlines(keepends=True)
    assert lines[0] == SCHEMA_LINE
    assert lines[1].startswith("# Imported by `stackgen import` from ")


def test_a_merge_into_a_spec_without_a_schema_line_adds_none(tmp_path: Path, cli) -> None:
    spec = tmp_path / "taskq.yaml"
    spec.write_text(TASKQ.read_text().split("\n", 1)[1])
    assert cli("import", "rules", FIXTURES / "prometheus.rules.yaml", "--merge", spec).exit_code == 0
    assert spec.read_text().startswith("# Imported by `stackgen import` from ")
