"""`stackgen import dashboard`: a Grafana export in, a spec out whose rendering shows the same panels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
NODE = FIXTURES / "node-overview.dashboard.json"
TASKQ = Path(__file__).parent.parent.parent / "specs" / "taskq.yaml"
IMPORTED = ["Uptime", "Root FS Used", "CPU Busy", "Memory", "Disk IO Latency", "Filesystems", "Disk Read Throughput"]
LEFT_OUT = ["Kernel Log", "Journal Errors"]


def _panels(panels: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every panel by title, those inside collapsed rows too; rows themselves left out."""
    found: dict[str, dict[str, Any]] = {}
    for panel in panels:
        if panel["type"] == "row":
            found.update(_panels(panel.get("panels") or []))
        else:
            found[panel["title"]] = panel
    return found


def _shown(panel: dict[str, Any]) -> tuple:
    defaults = panel.get("fieldConfig", {}).get("defaults", {})
    steps = [(s.get("value"), s["color"]) for s in defaults.get("thresholds", {}).get("steps", [])]
    return (panel["type"], defaults.get("unit"), [(t["expr"], t.get("legendFormat") or "") for t in panel["targets"]],
            steps)


def _import(tmp_path: Path, cli) -> tuple[Path, Any]:
    out = tmp_path / "spec" / "node.yaml"
    result = cli("import", "dashboard", NODE, "--out", out)
    assert result.exit_code == 0, result.stderr
    return out, result


def test_imported_panels_render_with_their_queries_units_and_thresholds(tmp_path: Path, cli) -> None:
    spec, _ = _import(tmp_path, cli)
    assert cli("validate", spec, "--strict").exit_code == 0
    assert cli("generate", spec, "--out", tmp_path / "spec" / "out").exit_code == 0
    rendered = json.loads((tmp_path / "spec" / "out" / "grafana" / "dashboards" / "node-overview.json").read_text())
    original = _panels(json.loads(NODE.read_text())["panels"])
    shown = _panels(rendered["panels"])
    assert sorted(shown) == sorted(IMPORTED)
    for title in IMPORTED:
        want = _shown(original[title])
        if not want[3]:  # a panel without steps renders stackgen's base colour
            want = want[:3] + ([(None, "green")],)
        assert _shown(shown[title]) == want, title
    rows = [(p["title"], p.get("collapsed")) for p in rendered["panels"] if p["type"] == "row"]
    assert rows == [("CPU / Memory", False), ("Disk", True)]
    assert [len(p.get("panels") or []) for p in rendered["panels"] if p["type"] == "row"] == [0, 3]
    variables = {v["name"]: v for v in rendered["templating"]["list"]}
    assert list(variables) == ["datasource", "job", "instance", "device"]
    assert variables["instance"]["regex"] == "/([^:]+):.*/"
    device = variables["device"]
    assert (device["query"], device["current"]["value"], device["multi"], device["includeAll"]) == (
        "sda,sdb,nvme0n1", "sda", True, True)


def test_the_report_lists_every_part_left_out(tmp_path: Path, cli) -> None:
    _, result = _import(tmp_path, cli)
    report = result.stdout
    assert report.startswith("imported: 1 file(s); 1 dashboard(s) with 3 row(s), 7 panel(s) and 4 variable(s); "
                             "10 metric(s) declared with inferred types")
    for line in ["node-overview.dashboard.json:305: panel 'Filesystems': transformations",
                 "node-overview.dashboard.json:148: panel 'CPU Busy': 1 field override(s)",
                 "node-overview.dashboard.json:213: panel 'Memory': panel links",
                 "node-overview.dashboard.json:409: panel 'Kernel Log': panel type 'logs'",
                 "node-overview.dashboard.json:434: panel 'Journal Errors' query A: a 'loki' query",
                 "node-overview.dashboard.json:396: row 'Logs': no panel the spec can carry",
                 "node-overview.dashboard.json:526: variable 'resolution': variable type 'interval'",
                 "node-overview.dashboard.json:29: dashboard links",
                 "1 annotation query(ies): Reboots"]:
        assert line in report, line
    assert "left out: 10" in report


def test_the_metrics_the_queries_read_are_declared_as_inferred(tmp_path: Path, cli) -> None:
    spec, _ = _import(tmp_path, cli)
    metrics = {m["name"]: m for m in yaml.safe_load(spec.read_text())["metrics"]}
    assert metrics["node_cpu_seconds_total"]["type"] == "counter"
    assert metrics["node_disk_io_time"]["type"] == "histogram"
    assert metrics["node_uname_info"]["type"] == "gauge"  # read by a variable query only
    assert all(m["inferred"] for m in metrics.values())
    assert metrics["node_cpu_seconds_total"]["help"] == ("Read by imported dashboard panels; counter inferred from "
                                                         "its _total suffix.")
    assert "grafana_var" not in metrics


def test_a_panel_the_checks_refuse_is_left_out_at_its_line(tmp_path: Path, cli) -> None:
    board = tmp_path / "b.json"
    board.write_text(json.dumps({"title": "B", "panels": [
        {"type": "graph", "title": "Old", "targets": [{"expr": "up", "refId": "A"}], "yaxes": [{"format": "s"}]},
        {"type": "stat", "title": "Broken", "targets": [{"expr": "sum((", "refId": "A"}]}]}, indent=2))
    result = cli("import", "dashboard", board)
    assert result.exit_code == 0, result.stderr
    assert "b.json:4: panel 'Old': legacy 'graph' panel imported as 'timeseries'" in result.stderr
    assert "b.json:19: panel 'Broken': the spec's checks refuse it: expr: invalid PromQL" in result.stderr
    spec = yaml.safe_load(result.stdout)
    assert [p["title"] for p in spec["dashboards"][0]["rows"][0]["panels"]] == ["Old"]
    assert spec["dashboards"][0]["rows"][0]["panels"][0]["unit"] == "s"


def test_import_merges_into_an_existing_spec(tmp_path: Path, cli) -> None:
    spec = tmp_path / "taskq.yaml"
    spec.write_bytes(TASKQ.read_bytes())
    for _ in range(2):  # the second import finds its uid and title taken
        result = cli("import", "dashboard", NODE, "--merge", spec)
        assert result.exit_code == 0, result.stderr
    merged = yaml.safe_load(spec.read_text())
    assert merged["system"]["name"] == "taskq"
    assert [d["uid"] for d in merged["dashboards"]][-2:] == ["node-overview", "node-overview-2"]
    assert "dashboard 'Node Exporter Overview' renamed 'Node Exporter Overview (2)'" in result.stdout
    assert cli("validate", spec).exit_code == 0


BAD = [
    ("invalid JSON", '{\n  "title": "x",\n  "panels": [,]\n}\n', "bad.json:3: invalid JSON: Expecting value"),
    ("not a dashboard", '{"groups": []}\n', "bad.json:1: not a Grafana dashboard: no 'panels' list"),
    ("a list", '[1, 2]\n', "bad.json:1: not a Grafana dashboard"),
    ("JSON nested thousands deep", "[" * 5000 + "]" * 5000, "bad.json: invalid JSON: nested too deeply to read"),
]


@pytest.mark.parametrize("text, message", [(t, m) for _, t, m in BAD], ids=[n for n, _, _ in BAD])
def test_bad_dashboards_get_a_located_error_and_nothing_is_written(text: str, message: str, tmp_path: Path,
                                                                   cli) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    result = cli("import", "dashboard", bad, "--out", tmp_path / "spec.yaml")
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "spec.yaml").exists()


def test_a_dashboard_with_nothing_the_spec_carries_says_why(tmp_path: Path, cli) -> None:
    board = tmp_path / "logs.json"
    board.write_text(json.dumps({"title": "Logs", "panels": [{"type": "logs", "title": "All", "targets": []}]}))
    result = cli("import", "dashboard", board, "--out", tmp_path / "spec.yaml")
    assert result.exit_code == 2
    assert "logs.json: no dashboard the spec can carry: " in result.stderr
    assert "logs.json:1: panel 'All': panel type 'logs'" in result.stderr
    assert not (tmp_path / "spec.yaml").exists()


def test_a_missing_file_is_named(tmp_path: Path, cli) -> None:
    result = cli("import", "dashboard", tmp_path / "none.json")
    assert result.exit_code == 2
    assert "none.json: no such file" in result.stderr


UP = {"type": "timeseries", "title": "Up", "targets": [{"expr": "up", "refId": "A"}]}
WRONG_TYPES = [
    ("a panel's queries written as a number leave the panel out", [UP, {"type": "timeseries", "title": "Bad",
                                                                      "targets": 5}], {},
     "left out: 1\n  board.json:14: panel 'Bad': no Prometheus query to import\n"),
    ("a collapsed row's panels written as a number leave the row out", [UP, {"type": "row", "title": "R",
                                                                             "collapsed": True, "panels": 5}], {},
     "left out: 1\n  board.json:14: row 'R': no panel the spec can carry\n"),
    ("field overrides written as a number are none", [{**UP, "fieldConfig": {"defaults": {}, "overrides": 5}}], {},
     "left out: nothing\n"),
    ("a query format written as a mapping is no format", [{**UP, "targets": [{"expr": "up", "format": {"a": 1}}]}],
     {}, "left out: nothing\n"),
    ("threshold steps written as a number are none", [{**UP, "fieldConfig": {"defaults": {"thresholds": {"steps": 5}}}}],
     {}, "left out: nothing\n"),
    ("variable and annotation lists written as numbers are empty", [UP],
     {"templating": {"list": 5}, "annotations": {"list": 5}}, "left out: nothing\n"),
]


@pytest.mark.parametrize("panels, extra, report", [c[1:] for c in WRONG_TYPES], ids=[c[0] for c in WRONG_TYPES])
def test_a_value_of_the_wrong_type_is_imported_as_nothing_without_a_traceback(panels: list, extra: dict, report: str,
                                                                              tmp_path: Path, cli) -> None:
    board = tmp_path / "board.json"
    board.write_text(json.dumps({"title": "x", "panels": panels, **extra}, indent=2))
    result = cli("import", "dashboard", board)
    assert result.exit_code == 0, result.output
    assert result.stderr.replace(f"{tmp_path}/", "").endswith(report)
    assert _panels(yaml.safe_load(result.stdout)["dashboards"][0]["rows"][0]["panels"]) == {
        "Up": {"title": "Up", "type": "timeseries", "queries": [{"expr": "up"}]}}
