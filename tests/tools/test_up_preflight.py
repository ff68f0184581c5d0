"""`stackgen up` names a metric the service cannot serve, with its own exit code, before starting anything."""

from __future__ import annotations

from conftest import ROOT, require_tool

TASKQ = (ROOT / "specs" / "taskq.yaml").read_text()
UNSERVABLE = "metrics:\n  - name: jobs_retried\n    type: counter\n    help: Jobs retried.\n    service: api\n"


def test_a_counter_the_service_cannot_serve_is_not_reported_as_a_start_failure(cli, tmp_path):
    require_tool("prometheus")
    spec = tmp_path / "taskq.yaml"
    spec.write_text(TASKQ.replace("metrics:\n", UNSERVABLE, 1))
    result = cli("up", spec, "--data-dir", tmp_path / "data")
    assert result.exit_code == 2, result.output
    assert "jobs_retried: prometheus_client exposes a counter as '<name>_total'" in result.stderr
    assert "rename it to 'jobs_retried_total'" in result.stderr
    assert "already in use" not in result.stderr and "ready" not in result.stdout
    assert not (tmp_path / "data" / "logs").exists()
