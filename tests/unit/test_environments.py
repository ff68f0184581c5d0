"""Environments through the commands: `--env NAME` picks the overlay beside the spec for generate (and --check),
validate and test; an overlay's errors name its own file and line; an unknown environment lists the known ones.

Each test works on a copy of specs/taskq.yaml and its overlays in a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SPECS, snapshot

from stackgen.pipeline import build, load
from stackgen.spec.environments import base_of, environments_of, overlay_path


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A folder holding taskq.yaml and its staging and production overlays, as the working directory."""
    for file in sorted((ROOT / "specs").glob("taskq*.yaml")):
        shutil.copy(file, tmp_path / file.name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def line_of(path: Path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def test_the_environments_of_a_spec_are_the_overlay_files_beside_it(project):
    (project / "taskq.Bad Name.yaml").write_text("{}")
    (project / "taskq.a.b.yaml").write_text("{}")
    (project / "other.dev.yaml").write_text("{}")
    assert environments_of(project / "taskq.yaml") == ["production", "staging"]
    assert overlay_path(project / "taskq.yaml", "staging") == project / "taskq.staging.yaml"


def test_an_overlay_is_part_of_its_spec_never_a_spec_of_its_own(project):
    assert base_of(project / "taskq.production.yaml") == project / "taskq.yaml"
    assert base_of(project / "taskq.yaml") is None
    assert base_of(project / "lonely.production.yaml") is None  # no lonely.yaml beside it
    assert all(base_of(spec) is None for spec in SPECS)
    assert ROOT / "specs" / "taskq.production.yaml" not in SPECS


def test_generate_renders_an_environment_into_a_folder_of_its_own(project, cli):
    base = cli("generate", "taskq.yaml")
    production = cli("generate", "taskq.yaml", "--env", "production")
    assert base.exit_code == 0 and production.exit_code == 0, base.stderr + production.stderr
    count = base.stdout.split()[1]  # an environment renders the same files as its spec
    assert production.stdout == (f"rendered {count} files from taskq.yaml (environment production) into "
                                 "environments/production/generated/\n")
    compose = project / "environments" / "production" / "docker-compose.monitoring.yml"
    assert "./generated/" in compose.read_text()
    assert "- production" in compose.read_text()  # the demo service serves the same environment
    guide = (project / "environments" / "production" / "generated" / "docs" / "MONITORING.md").read_text()
    assert "This guide describes the **production** environment: `taskq.yaml` with its overlay " \
           "`taskq.production.yaml` merged\nonto it." in guide
    assert "stackgen generate ../../taskq.yaml --env production --out generated" in guide
    assert "environment" not in (project / "generated" / "docs" / "MONITORING.md").read_text().split("## ")[0]


def test_each_environment_renders_its_own_values(project):
    rendered = {env: build(load([Path("taskq.yaml")], env=env)).files for env in (None, "staging", "production")}
    assert "environment: production" in rendered["production"]["prometheus/prometheus.yml"].decode()
    assert "scrape_interval: 30s" in rendered["staging"]["prometheus/prometheus.yml"].decode()
    assert "environment:" not in rendered[None]["prometheus/prometheus.yml"].decode()
    assert "> 5000" in rendered["production"]["prometheus/alerts.yml"].decode()
    assert "> 100\n" in rendered["staging"]["prometheus/alerts.yml"].decode()
    assert "> 1000" in rendered[None]["prometheus/alerts.yml"].decode()
    assert "oncall" not in rendered["staging"]["alertmanager/config.yml"].decode()


def test_generate_check_passes_per_environment_and_fails_when_its_overlay_changes(project, cli):
    for env in ("staging", "production"):
        assert cli("generate", "taskq.yaml", "--env", env).exit_code == 0
        check = cli("generate", "taskq.yaml", "--env", env, "--check")
        assert check.exit_code == 0, check.stdout + check.stderr
        assert check.stdout == f"environments/{env}/generated: up to date with taskq.yaml (environment {env})\n"
    overlay = project / "taskq.production.yaml"
    overlay.write_text(overlay.read_text().replace("value: 5000", "value: 7000"))
    check = cli("generate", "taskq.yaml", "--env", "production", "--check")
    assert check.exit_code == 1
    assert "-        expr: max by (queue) (queue_depth) > 5000\n+        expr: max by (queue) (queue_depth) > 7000" \
        in check.stdout
    assert check.stderr == ("environments/production/generated: out of date with taskq.yaml (environment production); "
                            "run `stackgen generate taskq.yaml --env production` and commit the result\n")
    assert cli("generate", "taskq.yaml", "--env", "staging", "--check").exit_code == 0


def test_an_unknown_environment_lists_the_known_ones_and_writes_nothing(project, cli):
    result = cli("generate", "taskq.yaml", "--env", "prod")
    assert result.exit_code == 2
    assert result.stderr == ("unknown environment 'prod' for taskq.yaml: known environments: production, staging "
                             "(environment NAME is the overlay file taskq.NAME.yaml beside the spec)\n")
    assert not (project / "environments").exists() and not (project / "generated").exists()


def test_an_environment_of_a_spec_without_overlays_says_there_is_none(project, cli):
    shutil.copy(project / "taskq.yaml", project / "solo.yaml")
    result = cli("validate", "solo.yaml", "--env", "production")
    assert result.exit_code == 2
    assert result.stderr == ("unknown environment 'production' for solo.yaml: it has none "
                             "(environment NAME is the overlay file solo.NAME.yaml beside the spec)\n")


def test_the_built_in_example_has_no_environments(project, cli):
    for name in project.iterdir():
        name.unlink()
    result = cli("validate", "--env", "production")
    assert result.exit_code == 2
    assert "unknown environment 'production': the built-in example has no environments" in result.stderr


def test_validate_and_test_read_the_environment(project, cli):
    validate = cli("validate", "taskq.yaml", "--env", "staging")
    assert validate.exit_code == 0, validate.stderr
    assert validate.stdout.startswith("taskq.yaml (environment staging): ok (11 metrics, 11 alerts")
    result = cli("validate", "taskq.yaml", "--env", "staging", "--format", "json")
    assert result.exit_code == 0 and '"ok": true' in result.stdout


OVERLAY_ERRORS = [
    ("an overridden value of the wrong type names the overlay's line",
     "thresholds:\n  queue_backlog_jobs:\n    value: lots\n",
     "taskq.bad.yaml:3: thresholds.queue_backlog_jobs.value: expected a number, got 'lots' "
     "(write the number alone, without quotes or a unit)"),
    ("an unknown key in an overlay names the overlay's line",
     "settings:\n  scrape_intervall: 30s\n",
     "taskq.bad.yaml:2: settings.scrape_intervall: unknown key 'scrape_intervall' (did you mean 'scrape_interval'?)"),
    ("a route to a receiver no file declares names the overlay's line",
     "routing:\n  routes:\n    - matchers: [severity=\"critical\"]\n      receivers: [nobody]\n",
     "taskq.bad.yaml:4: routing.routes[0].receivers[0]: unknown receiver 'nobody' (declare it under routing.receivers)"),
    ("an overridden alert expression names the overlay's line",
     "alert_groups:\n  - name: jobs\n    alerts:\n      - name: JobFailureRate\n        severity: warning\n"
     "        expr: rate(job_failures_total[5m]) > 1\n",
     "taskq.bad.yaml:6: alert_groups[jobs].alerts[JobFailureRate].expr: unknown metric 'job_failures_total'"),
    ("an alert added by an overlay is checked where it is written",
     "alert_groups:\n  - name: extra\n    alerts:\n      - name: Extra\n        expr: up == 0\n"
     "        severity: urgent\n        summary: x\n",
     "taskq.bad.yaml:6: alert_groups[extra].alerts[Extra].severity: 'urgent' is not one of:"),
    ("an apiVersion an overlay sets is checked too",
     "apiVersion: stackgen/v2\n",
     "taskq.bad.yaml:1: apiVersion: unsupported apiVersion 'stackgen/v2' (this stackgen reads 'stackgen/v1')"),
]


@pytest.mark.parametrize(("overlay", "expected"), [c[1:] for c in OVERLAY_ERRORS], ids=[c[0] for c in OVERLAY_ERRORS])
def test_an_error_in_an_overlay_names_the_overlay_file_and_line(project, cli, overlay, expected):
    (project / "taskq.bad.yaml").write_text(overlay)
    before = snapshot(project)
    result = cli("generate", "taskq.yaml", "--env", "bad")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(expected), result.stderr
    assert snapshot(project) == before


def test_an_error_an_overlay_causes_in_an_inherited_value_names_the_spec_line_and_the_overlay_line(project, cli):
    (project / "taskq.bad.yaml").write_text("routing:\n  receivers:\n    - name: tickets\n      $patch: delete\n")
    result = cli("validate", "taskq.yaml", "--env", "bad")
    assert result.exit_code == 2
    route = line_of(project / "taskq.yaml", "receivers: [tickets]")
    assert result.stderr.splitlines()[0] == (f"taskq.yaml:{route}: routing.routes[2].receivers[0]: unknown receiver "
                                             "'tickets' (taskq.bad.yaml:4 deletes it with '$patch: delete': keep the "
                                             "receiver there, or stop naming it here)")


MISNAMED_ITEMS = [
    ("a misspelt alert meant to patch a threshold is named with the nearest alert",
     "alert_groups:\n  - name: queues\n    alerts:\n      - name: QueueBaclog\n        for: 30m\n",
     "taskq.bad.yaml:4: alert_groups[queues].alerts[QueueBaclog]: taskq.yaml has no alert 'QueueBaclog' to override "
     "(did you mean 'QueueBacklog'? A new alert needs 'expr', 'severity')"),
    ("a misspelt group is named with the nearest group, and what its alerts lack as new ones",
     "alert_groups:\n  - name: job\n    alerts:\n      - name: JobFailureRate\n        severity: critical\n"
     "        for: 10m\n",
     "taskq.bad.yaml:2: alert_groups[job]: taskq.yaml has no alert group 'job' to override "
     "(did you mean 'jobs'? A new alert group needs 'alerts[JobFailureRate].expr')"),
    ("a severity the spec's twins do not have says which severities they have",
     "alert_groups:\n  - name: jobs\n    alerts:\n      - name: JobFailureRate\n        severity: info\n"
     "        for: 10m\n",
     "taskq.bad.yaml:4: alert_groups[jobs].alerts[JobFailureRate]: taskq.yaml has no alert 'JobFailureRate' with "
     "severity info (its alerts 'JobFailureRate' have severity critical or severity warning; a new alert needs "
     "'expr')"),
    ("a misspelt receiver meant to change a field is named with the nearest receiver",
     "routing:\n  receivers:\n    - name: tickts\n      webhook:\n        max_alerts: 10\n",
     "taskq.bad.yaml:3: routing.receivers[tickts]: taskq.yaml has no receiver 'tickts' to override "
     "(did you mean 'tickets'? A new receiver needs 'webhook.url')"),
    ("an alert named like none of the spec's says it names none and what a new one needs",
     "alert_groups:\n  - name: jobs\n    alerts:\n      - name: Zebra\n        for: 30m\n",
     "taskq.bad.yaml:4: alert_groups[jobs].alerts[Zebra]: taskq.yaml has no alert 'Zebra' to override "
     "(a new alert needs 'expr', 'severity')"),
    ("a misspelt service is named with the nearest service, and why it is not whole as a new one",
     "services:\n  - name: wroker\n    port: 9999\n",
     "taskq.bad.yaml:2: services[wroker]: taskq.yaml has no service 'wroker' to override (did you mean 'worker'? "
     "As a new service: no 'image:' and no 'demo: true': add 'image: <your service image>' to run your service, "
     "or 'demo: true' to run stackgen's demo service)"),
]


@pytest.mark.parametrize(("overlay", "expected"), [c[1:] for c in MISNAMED_ITEMS], ids=[c[0] for c in MISNAMED_ITEMS])
def test_an_overlay_item_that_names_no_spec_item_and_is_not_whole_says_so_at_its_line(project, cli, overlay,
                                                                                       expected):
    (project / "taskq.bad.yaml").write_text(overlay)
    result = cli("validate", "taskq.yaml", "--env", "bad")
    assert (result.exit_code, result.stderr) == (2, expected + "\n")


WHOLE_NEW_ITEMS = [
    ("a whole new alert with a name near a spec alert's is added",
     "alert_groups:\n  - name: jobs\n    alerts:\n      - name: JobFailureRates\n        severity: info\n"
     "        expr: rate(jobs_completed_total[5m]) > 1\n        summary: many\n",
     "12 alerts", lambda spec: [a.name for a in spec.alerts].count("JobFailureRates") == 1),
    ("a whole new receiver is added",
     "routing:\n  receivers:\n    - name: pager\n      pagerduty:\n        routing_key_file: /run/secrets/key\n",
     "11 alerts", lambda spec: "pager" in [r.name for r in spec.routing.receivers]),
]


@pytest.mark.parametrize(("overlay", "expected", "added"), [c[1:] for c in WHOLE_NEW_ITEMS],
                         ids=[c[0] for c in WHOLE_NEW_ITEMS])
def test_a_whole_new_item_in_an_overlay_is_an_addition(project, cli, overlay, expected, added):
    (project / "taskq.bad.yaml").write_text(overlay)
    result = cli("validate", "taskq.yaml", "--env", "bad")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"taskq.yaml (environment bad): ok (11 metrics, {expected}, "), result.stdout
    assert added(load([project / "taskq.yaml"], env="bad").spec)


def test_an_overlay_item_that_duplicates_a_spec_item_names_the_file_of_the_first(project, cli):
    (project / "taskq.bad.yaml").write_text("alert_groups:\n  - name: extra\n    alerts:\n      - name: ApiDown\n"
                                            "        expr: up == 0\n        severity: critical\n"
                                            "        service: api\n        summary: x\n")
    result = cli("validate", "taskq.yaml", "--env", "bad")
    first = line_of(project / "taskq.yaml", "- name: ApiDown")
    assert (result.exit_code, result.stderr) == (2, (
        "taskq.bad.yaml:4: alert_groups[extra].alerts[ApiDown].name: duplicate alert (name and labels) "
        f"'ApiDown{{service=\"api\",severity=\"critical\"}}' (first defined at taskq.yaml:{first}; "
        "names must be unique)\n"))


EMPTY_OVERLAY = ("the overlay is empty (delete it, or write in it what this environment changes in the spec, "
                 "e.g. 'thresholds: {queue_backlog_jobs: {value: 5000}}')")


@pytest.mark.parametrize(("text", "arguments"), [
    ("", ("taskq.yaml", "--env", "bad")),
    ("# production: nothing yet\n", ("taskq.yaml", "--env", "bad")),
    ("", ("taskq.bad.yaml",)),
], ids=["an empty overlay picked by --env is called an empty overlay",
        "an overlay of only comments is an empty overlay too",
        "an empty overlay validated by its own name is called an empty overlay"])
def test_an_empty_overlay_is_refused_as_an_overlay_not_as_a_spec(project, cli, text, arguments):
    (project / "taskq.bad.yaml").write_text(text)
    result = cli("validate", *arguments)
    assert (result.exit_code, result.stderr) == (2, f"taskq.bad.yaml:1: {EMPTY_OVERLAY}\n")


def test_a_broken_overlay_file_is_refused_at_its_own_line(project, cli):
    (project / "taskq.bad.yaml").write_text("settings:\n  scrape_interval: [30s\n")
    result = cli("validate", "taskq.yaml", "--env", "bad")
    assert result.exit_code == 2
    assert result.stderr.startswith("taskq.bad.yaml:3: settings.scrape_interval[0]: invalid YAML:"), result.stderr


def test_an_environment_renders_the_same_bytes_every_time_and_leaves_the_spec_alone(project):
    first = build(load([Path("taskq.yaml")], env="production")).files
    base = build(load([Path("taskq.yaml")])).files
    again = build(load([Path("taskq.yaml")], env="production")).files
    assert first == again
    for overlay in project.glob("taskq.*.yaml"):
        overlay.unlink()
    assert base == build(load([Path("taskq.yaml")])).files  # the spec alone renders as if it had no overlays


def validated(result) -> list[str]:
    """What `validate` said was ok, one name per spec or overlay, in order."""
    assert result.exit_code == 0, result.stderr
    return [line.split(": ok")[0] for line in result.stdout.splitlines()]


def spoil_staging(overlay: Path) -> int:
    """Give the staging overlay's backlog threshold a word for a number; returns that line."""
    overlay.write_text(overlay.read_text().replace("value: 100", "value: many"))
    return line_of(overlay, "value: many")


def test_validate_checks_an_overlay_file_as_its_specs_environment(project, cli):
    assert validated(cli("validate", "taskq.yaml", "taskq.production.yaml", "taskq.staging.yaml")) == [
        "taskq.yaml", "taskq.production.yaml (environment production of taskq.yaml)",
        "taskq.staging.yaml (environment staging of taskq.yaml)"]
    line = spoil_staging(project / "taskq.staging.yaml")
    failed = cli("validate", "taskq.staging.yaml")
    assert failed.exit_code == 2
    assert failed.stderr.startswith(f"taskq.staging.yaml:{line}: "
                                    "thresholds.queue_backlog_jobs.value: expected a number, got 'many'")


def test_validate_with_no_spec_also_checks_each_overlay_beside_the_spec_it_finds(project, cli):
    for name in ("taskq.yaml", "taskq.production.yaml", "taskq.staging.yaml"):
        (project / name).rename(project / name.replace("taskq", "stackgen"))
    assert validated(cli("validate")) == [
        "stackgen.yaml", "stackgen.production.yaml (environment production of stackgen.yaml)",
        "stackgen.staging.yaml (environment staging of stackgen.yaml)"]
    line = spoil_staging(project / "stackgen.staging.yaml")
    failed = cli("validate", "--format", "github")
    assert failed.exit_code == 2
    assert failed.stdout.startswith(f"::error file=stackgen.staging.yaml,line={line},")
    assert cli("validate", "--env", "production").stdout.startswith("stackgen.yaml (environment production): ok")


def test_the_local_stack_serves_the_environment_it_runs(project, tmp_path):
    from stackgen.local.runner import Binaries, plan_stack

    spec = load([Path("taskq.yaml")], env="staging").spec
    plan = plan_stack(spec, "taskq.yaml", Binaries("/bin/false", "/bin/false", None), tmp_path / "run", env="staging")
    services = [c.command for c in plan if "serve" in c.command]
    assert services and all(c[c.index("serve") + 1:c.index("serve") + 4] == ["taskq.yaml", "--env", "staging"]
                            for c in services)


@pytest.mark.slow
def test_an_environment_renders_the_same_bytes_under_two_hash_seeds(project):
    """A merge that iterated a set would order keys by string hash: two processes with different seeds show it."""
    runs = {}
    for seed in ("1", "2"):
        command = [str(Path(sys.executable).with_name("stackgen")), "generate", "taskq.yaml", "--env", "production",
                   "--out", f"seed-{seed}/generated"]
        runs[seed] = subprocess.Popen(command, env={**os.environ, "PYTHONHASHSEED": seed}, cwd=project,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for process in runs.values():
        output, _ = process.communicate(timeout=120)
        assert process.returncode == 0, output
    first, second = (snapshot(project / f"seed-{seed}" / "generated") for seed in runs)
    assert first and first == second
