"""Grafana dashboards and provisioning: every spec's dashboards parse, fit the grid, query declared
metrics through the provisioned datasource; bad dashboards are refused with file, line and panel."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import SPECS

from stackgen import promql
from stackgen.model import Dashboard, Panel, Query, Row, Spec, Variable
from stackgen.output.serialize import dump_json
from stackgen.pipeline import render_stack
from stackgen.render.grafana import render_dashboard
from stackgen.render.grafana_layout import GRID_COLUMNS, Box, layout_rows
from stackgen.render.grafana_provisioning import DASHBOARDS_DIR, DATASOURCE_UID
from stackgen.spec import catalog
from stackgen.spec.loader import load_spec
from stackgen.targets.layout import DASHBOARD_PROVIDER, DATASOURCES, dashboard_file
from stackgen.targets.registry import COMPOSE, LOCAL, TARGETS

MODELS = {path.stem: load_spec(path) for path in SPECS}
DASHBOARDS = [(name, d) for name, spec in MODELS.items() for d in spec.dashboards]
IDS = [f"{name}-{d.uid}" for name, d in DASHBOARDS]
PATRONUS_PANELS = [
    "System Uptime", "Total Sites", "Active Paths", "Active Users", "HTTP Request Rate",
    "HTTP Request Duration (p95)", "Path Latency Distribution", "Path Packet Loss", "WebSocket Connections",
    "Authentication Activity", "Database Query Performance",
]


@pytest.fixture(params=DASHBOARDS, ids=IDS)
def rendered(request) -> tuple[Spec, dict]:
    """(spec, dashboard JSON parsed back from the bytes that are written)."""
    name, dashboard = request.param
    return MODELS[name], json.loads(dump_json(render_dashboard(dashboard)))


def all_panels(dashboard: dict) -> list[dict]:
    """Every panel, rows included, and the panels a collapsed row carries."""
    return [q for p in dashboard["panels"] for q in (p, *p.get("panels", []))]


def boxes(dashboard: dict) -> list[tuple[dict, Box]]:
    """Panels on the open grid (a collapsed row's panels are not on it until it is opened)."""
    return [(p, Box(**{k: p["gridPos"][k] for k in "xywh"})) for p in dashboard["panels"]]


def overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.bottom and b.y < a.bottom


def known_series(spec: Spec) -> set[str]:
    known = set(catalog.PROMETHEUS_SYNTHETIC) | {r.record for r in spec.recording_rules}
    known.update(name for m in spec.metrics for name in m.series_names)
    known.update(name for e in spec.exporters for metric in e.metrics for name in metric.series_names)
    return known


def test_every_example_spec_with_dashboards_is_covered():
    assert DASHBOARDS, "no example spec declares a dashboard"
    assert all(spec.dashboards for name, spec in MODELS.items()), "every example spec should render a dashboard"


def test_panel_ids_are_unique_within_a_dashboard(rendered):
    _, dashboard = rendered
    ids = [p["id"] for p in all_panels(dashboard)]
    assert all(isinstance(i, int) and i > 0 for i in ids)
    assert len(ids) == len(set(ids))


def test_panels_fit_the_24_column_grid_without_overlapping(rendered):
    _, dashboard = rendered
    placed = boxes(dashboard)
    for panel, box in placed:
        assert box.x >= 0 and box.w >= 1 and box.x + box.w <= GRID_COLUMNS, panel["title"]
    for i, (a, box_a) in enumerate(placed):
        for b, box_b in placed[i + 1:]:
            assert not overlap(box_a, box_b), f"{a['title']!r} overlaps {b['title']!r}"


def test_every_panel_rests_on_the_panel_or_row_above_it(rendered):
    """No gap Grafana would close: each panel sits at y 0 or on the bottom of something in its columns."""
    _, dashboard = rendered
    placed = boxes(dashboard)
    for panel, box in placed:
        below = [other.bottom for _, other in placed if other.bottom <= box.y
                 and other.x < box.x + box.w and box.x < other.x + other.w]
        assert box.y == max(below, default=0), f"{panel['title']!r} floats above a gap"


def test_every_target_parses_and_uses_only_declared_metrics(rendered):
    spec, dashboard = rendered
    known = known_series(spec)
    targets = [t for p in all_panels(dashboard) for t in p.get("targets", [])]
    assert targets
    for target in targets:
        names = promql.metric_names(promql.grafana_to_promql(target["expr"]))
        assert names and names <= known, f"{target['expr']}: undeclared {sorted(names - known)}"


DATASOURCE_REF = {"type": "prometheus", "uid": "${datasource}"}


def test_every_panel_target_and_variable_reads_from_the_datasource_variable(rendered):
    # Grafana's dashboard linter rules template-datasource and panel-datasource.
    _, dashboard = rendered
    panels = [p for p in all_panels(dashboard) if p["type"] != "row"]
    for panel in panels:
        assert panel["datasource"] == DATASOURCE_REF, panel["title"]
        assert {json.dumps(t["datasource"]) for t in panel["targets"]} == {json.dumps(DATASOURCE_REF)}
    first, *variables = dashboard["templating"]["list"]
    assert (first["name"], first["type"], first["query"]) == ("datasource", "datasource", "prometheus")
    assert first["current"]["value"] == DATASOURCE_UID  # starts on the provisioned data source
    for variable in variables:
        assert variable["datasource"] == DATASOURCE_REF


def _variable_panel(exprs: list[str]) -> Dashboard:
    queries = tuple(Query(expr=e) for e in exprs)
    panels = (Panel(title="All", type="timeseries", queries=(Query(expr='up{instance=~"$instance"}'),), width=12,
                    height=8, description="Everything."),
              Panel(title="This", type="timeseries", queries=queries, width=12, height=8, description="Per job."))
    return Dashboard(uid="d", title="D", rows=(Row(title=None, panels=panels),),
                     variables=(Variable(name="instance", query="label_values(up, instance)", label="Instance"),))


@pytest.mark.parametrize("exprs, description", [
    (['job:http_requests:rate5m{job=~"$job"}'],
     "Per job. The Instance ($instance) filter does not apply to this panel."),
    (['job:http_requests:rate5m', 'up{instance=~"${instance}"}'], "Per job."),
    (['up{instance=~"${instance:regex}"}'], "Per job."),
], ids=["a panel on a job-level recording rule says the instance filter does not apply to it",
        "a panel with one query using the filter says nothing", "a formatted reference counts as a use"])
def test_a_panel_says_which_dashboard_filters_it_ignores(exprs, description):
    panels = [p for p in render_dashboard(_variable_panel(exprs))["panels"] if p["title"] == "This"]
    assert panels[0]["description"] == description


def test_disable_deletion_is_off_so_a_dashboard_the_spec_drops_leaves_grafana():
    provider = yaml.safe_load(render_stack(MODELS[sorted(MODELS)[0]], TARGETS["compose"]).files[DASHBOARD_PROVIDER])
    assert provider["providers"][0]["disableDeletion"] is False
    assert provider["providers"][0]["allowUiUpdates"] is False


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("name", sorted(MODELS))
def test_provisioning_creates_that_datasource_and_loads_every_dashboard(name, target):
    spec = MODELS[name]
    files = render_stack(spec, TARGETS[target]).files
    datasources = yaml.safe_load(files[DATASOURCES])["datasources"]
    assert [(d["uid"], d["type"]) for d in datasources] == [(DATASOURCE_UID, "prometheus")]
    provider = yaml.safe_load(files[DASHBOARD_PROVIDER])["providers"][0]
    assert provider["type"] == "file" and provider["options"]["path"] == DASHBOARDS_DIR
    for dashboard in spec.dashboards:
        assert json.loads(files[dashboard_file(dashboard.uid)])["uid"] == dashboard.uid
    assert sorted(f for f in files if f.startswith("grafana/dashboards/")) == \
        sorted(dashboard_file(d.uid) for d in spec.dashboards)


@pytest.mark.parametrize("target, url", [(COMPOSE, "http://prometheus:9090"), (LOCAL, "http://127.0.0.1:{port}")])
def test_the_datasource_reaches_prometheus_where_the_target_runs_it(target, url):
    spec = MODELS["patronus"]
    datasource = yaml.safe_load(render_stack(spec, target).files[DATASOURCES])["datasources"][0]
    assert datasource["url"] == url.format(port=spec.stack.ports["prometheus"])
    assert datasource["jsonData"]["timeInterval"] == spec.settings.scrape_interval


def test_the_patronus_overview_has_the_eleven_reference_panels():
    dashboard = json.loads(dump_json(render_dashboard(MODELS["patronus"].dashboards[0])))
    panels = [p for p in all_panels(dashboard) if p["type"] != "row"]
    assert [p["title"] for p in panels] == PATRONUS_PANELS
    assert {p["type"] for p in panels} >= {"stat", "gauge", "timeseries", "heatmap"}
    assert [v["name"] for v in dashboard["templating"]["list"]] == ["datasource", "job", "instance"]
    heatmap = next(p for p in panels if p["type"] == "heatmap")
    assert "sdwan_path_latency_seconds_bucket" in heatmap["targets"][0]["expr"]
    assert heatmap["targets"][0]["format"] == "heatmap"


@pytest.mark.parametrize("title, threshold", [
    ("HTTP Request Duration (p95)", "http_p95_seconds"),
    ("Path Packet Loss", "packet_loss_ratio"),
    ("Database Query Performance", "db_query_p95_seconds"),
    ("Total Sites", "site_capacity"),
])
def test_a_graph_threshold_is_drawn_at_the_alerts_threshold(title, threshold):
    spec = MODELS["patronus"]
    dashboard = json.loads(dump_json(render_dashboard(spec.dashboards[0])))
    panel = next(p for p in all_panels(dashboard) if p["title"] == title)
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert steps[0]["value"] is None and steps[-1]["value"] == spec.thresholds[threshold].value
    assert any(a.threshold == threshold for a in spec.alerts)
    if panel["type"] == "timeseries":
        assert panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"] == "line"


def test_dashboards_render_to_the_same_bytes_every_time():
    dashboard = MODELS["patronus"].dashboards[0]
    assert dump_json(render_dashboard(dashboard)) == dump_json(render_dashboard(dashboard))


# --- layout ---------------------------------------------------------------------------------------------

def row(title, *sizes, collapsed=False) -> Row:
    panels = tuple(Panel(f"p{i}", "stat", (Query("up"),), w, h) for i, (w, h) in enumerate(sizes))
    return Row(title, panels, collapsed)


@pytest.mark.parametrize("rows, expected", [
    pytest.param((row(None, (12, 8), (12, 8), (24, 4)),),
                 [(None, [(0, 0, 12, 8), (12, 0, 12, 8), (0, 8, 24, 4)])],
                 id="panels flow left to right and wrap when the next does not fit"),
    pytest.param((row("A", (6, 4), (6, 4)), row("B", (24, 8))),
                 [((0, 0, 24, 1), [(0, 1, 6, 4), (6, 1, 6, 4)]), ((0, 5, 24, 1), [(0, 6, 24, 8)])],
                 id="a titled row starts a new line below everything above it"),
    pytest.param((row(None, (12, 8), (12, 4), (12, 4), (12, 4)),),
                 [(None, [(0, 0, 12, 8), (12, 0, 12, 4), (0, 8, 12, 4), (12, 4, 12, 4)])],
                 id="a short panel leaves no gap under it: the next one rests on it"),
    pytest.param((row(None, (8, 4)), row(None, (8, 4))),
                 [(None, [(0, 0, 8, 4)]), (None, [(0, 4, 8, 4)])],
                 id="an untitled row starts again at the left edge"),
    pytest.param((row("A", (12, 8), collapsed=True), row("B", (12, 4))),
                 [((0, 0, 24, 1), [(0, 1, 12, 8)]), ((0, 1, 24, 1), [(0, 2, 12, 4)])],
                 id="a collapsed row takes one line and keeps its panels' expanded positions"),
])
def test_layout(rows, expected):
    placed = layout_rows(rows)
    as_tuples = [(None if r.header is None else (r.header.x, r.header.y, r.header.w, r.header.h),
                  [(b.x, b.y, b.w, b.h) for b in r.panels]) for r in placed]
    assert as_tuples == expected


def test_a_collapsed_row_carries_its_panels_inside_the_row_panel():
    from stackgen.model import Dashboard
    dashboard = Dashboard("d", "D", (row("A", (12, 8), collapsed=True), row("B", (12, 4))))
    panels = render_dashboard(dashboard)["panels"]
    assert [(p["type"], p["title"], [q["id"] for q in p["panels"]]) for p in panels if p["type"] == "row"] == \
        [("row", "A", [2]), ("row", "B", [])]
    assert [p["id"] for p in panels] == [1, 3, 4]


@pytest.mark.parametrize("kind", ["timeseries", "stat", "gauge", "heatmap", "table", "bargauge"])
def test_every_panel_type_renders_with_its_unit_range_and_thresholds(kind):
    from stackgen.model import Dashboard, PanelThreshold
    steps = (PanelThreshold(None, "green"), PanelThreshold(0.25, "red", "some_threshold"))
    panel = Panel("P", kind, (Query("up", "{{job}}"), Query("up")), 12, 8, unit="percentunit", min=0.0, max=0.5,
                  decimals=2, thresholds=steps)
    rendered = json.loads(dump_json(render_dashboard(Dashboard("d", "D", (Row(None, (panel,)),)))))
    [out] = rendered["panels"]
    assert out["type"] == kind and out["title"] == "P"
    defaults = out["fieldConfig"]["defaults"]
    assert (defaults["unit"], defaults["min"], defaults["max"], defaults["decimals"]) == ("percentunit", 0.0, 0.5, 2)
    assert defaults["thresholds"] == {"mode": "absolute", "steps": [{"color": "green", "value": None},
                                                                     {"color": "red", "value": 0.25}]}
    assert [(t["refId"], t["legendFormat"]) for t in out["targets"]] == [("A", "{{job}}"), ("B", "")]


def _json_round_trip(obj: object) -> object:
    """What grafanalib's own encoder writes, read back: what `json_data` gives without the text."""
    from grafanalib._gen import DashboardEncoder

    return json.loads(json.dumps(obj, cls=DashboardEncoder))


@pytest.mark.parametrize(("name", "dashboard"), DASHBOARDS, ids=IDS)
def test_grafanalib_objects_become_the_data_its_json_encoder_would_write(name, dashboard):
    from stackgen.render.grafana import build_dashboard
    from stackgen.render.grafanalib_current import json_data

    built = build_dashboard(dashboard)
    assert json_data(built) == _json_round_trip(built)


@pytest.mark.parametrize("value", [
    {"tuple": (1, 2.5, "x"), "nested": [{"none": None, "bool": True}], "nan": float("inf")},
    {1: "an int key"},  # json writes it as "1": handed to json
    {"a str subclass": type("Name", (str,), {})("v")},
], ids=["plain data with tuples", "a non-string key", "a subclass of str"])
def test_data_json_would_convert_its_own_way_comes_out_as_json_reads_it_back(value):
    from stackgen.render.grafanalib_current import json_data

    assert json.dumps(json_data(value)) == json.dumps(_json_round_trip(value))
    assert type(next(iter(json_data(value)))) is str
