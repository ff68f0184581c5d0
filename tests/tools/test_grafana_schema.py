"""Every rendered dashboard conforms to Grafana's own dashboard schema (the Grafana Foundation SDK's models),
with nothing Grafana would migrate or drop; mutated dashboards show that the check catches what it should."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable

import pytest
import yaml
from conftest import SPECS
from grafana_foundation_sdk.models.dashboard import Dashboard as SchemaDashboard
from support.grafana_schema import schema_problems

from stackgen import pipeline
from stackgen.model import Dashboard, Panel, PanelThreshold, Query, Row, Variable
from stackgen.render.grafana import SCHEMA_VERSION, render_dashboard
from stackgen.targets.layout import DASHBOARDS_DIR


def _rendered() -> list[tuple[str, dict]]:
    """(name, dashboard) for every dashboard file of every spec, SLO dashboards included, and the copies the
    Kubernetes target embeds in ConfigMaps."""
    found = []
    for path in SPECS:
        spec = pipeline.load([path]).spec
        for name, data in pipeline.render_stack(spec, "compose").files.items():
            if name.startswith(DASHBOARDS_DIR):
                found.append((f"{path.stem}:{name}", json.loads(data)))
        for name, data in pipeline.render_stack(spec, "kubernetes").files.items():
            if name.startswith("kubernetes/configmap-grafana-dashboard-"):
                configmap = yaml.safe_load(data)
                found.extend((f"{path.stem}:{name}:{key}", json.loads(text)) for key, text in configmap["data"].items())
    return found


RENDERED = _rendered()
PANEL_TYPES = ("timeseries", "stat", "gauge", "bargauge", "heatmap", "table")


def _every_kind() -> dict:
    """A dashboard with every panel type (twice: open and in a collapsed row) and every variable type."""
    steps = (PanelThreshold(None, "green"), PanelThreshold(0.5, "red"))
    panels = tuple(Panel(title=kind, type=kind, width=8, height=6, decimals=2, min=0, max=1, stack=True,
                         thresholds=steps, queries=(Query('up{env=~"$env"}'), Query("up", format="table")))
                   for kind in PANEL_TYPES)
    variables = (Variable("source", "", "Source", type="datasource", regex="/prom.*/"),
                 Variable("env", "", "Environment", True, True, "custom", ("prod", "a,b", "Staging : stage"), "prod"),
                 Variable("job", "label_values(up, job)", "Job", regex="/api.*/"))
    rows = (Row("Open", panels), Row("Folded", tuple(Panel(**{**vars(p), "title": f"{p.title} 2"}) for p in panels),
                                     collapsed=True))
    return render_dashboard(Dashboard("every-kind", "Every kind", rows, variables=variables))


def test_every_spec_renders_dashboards_and_configmaps_to_check():
    names = [name for name, _ in RENDERED]
    assert all(any(name.startswith(f"{path.stem}:") for name in names) for path in SPECS)
    assert any("-slos.json" in name for name in names) and any("configmap" in name for name in names)


@pytest.mark.parametrize("name, dashboard", RENDERED, ids=[name for name, _ in RENDERED])
def test_every_rendered_dashboard_conforms_to_grafanas_schema(name, dashboard):
    assert schema_problems(dashboard) == []


def test_dashboards_are_written_in_the_schema_version_the_sdk_describes():
    assert SchemaDashboard().schema_version == SCHEMA_VERSION
    assert {d["schemaVersion"] for _, d in RENDERED} == {SCHEMA_VERSION}


def test_every_panel_and_variable_type_conforms_to_grafanas_schema():
    assert schema_problems(json.loads(json.dumps(_every_kind()))) == []


def _first(kind: str) -> Callable[[dict], dict]:
    return lambda d: next(p for p in d["panels"] if p["type"] == kind)


def _set(where: Callable[[dict], dict], key: str, value: object) -> Callable[[dict], None]:
    return lambda d: where(d).__setitem__(key, value)


TOP, ROW, HEATMAP, GAUGE, STAT = (lambda d: d), _first("row"), _first("heatmap"), _first("gauge"), _first("stat")
MUTATIONS = [
    ("a null data source on a row panel", _set(ROW, "datasource", None), "the SDK cannot read the dashboard"),
    ("the legacy top-level rows", _set(TOP, "rows", []), "$.rows: not in Grafana's schema"),
    ("hideControls", _set(TOP, "hideControls", False), "$.hideControls: not in Grafana's schema"),
    ("sharedCrosshair", _set(TOP, "sharedCrosshair", True), "$.sharedCrosshair: not in Grafana's schema"),
    ("__inputs", _set(TOP, "__inputs", []), "$.__inputs: not in Grafana's schema"),
    ("a per-panel editable flag", _set(STAT, "editable", True), ".editable: not in Grafana's schema"),
    ("a per-panel error flag", _set(STAT, "error", False), ".error: not in Grafana's schema"),
    ("queries on a row panel", _set(ROW, "targets", []), ".targets: not in Grafana's schema"),
    ("the pre-Grafana-9 heatmap cards", _set(HEATMAP, "cards", {"cardPadding": 1}), ".cards: not in Grafana's schema"),
    ("a heatmap dataFormat", _set(HEATMAP, "dataFormat", "tsbuckets"), ".dataFormat: not in Grafana's schema"),
    ("gauge reduce settings in field defaults",
     lambda d: GAUGE(d)["fieldConfig"]["defaults"].__setitem__("calcs", ["lastNotNull"]), ".calcs: not in Grafana"),
    ("showThresholdLabels at the panel's top level", _set(GAUGE, "showThresholdLabels", False),
     ".showThresholdLabels: not in Grafana's schema"),
    ("useTags in a variable", lambda d: d["templating"]["list"][-1].__setitem__("useTags", False),
     ".useTags: not in Grafana's schema"),
    ("a grid position as a string", lambda d: STAT(d)["gridPos"].__setitem__("h", "8"), '.grid_pos.h: "8" is not int'),
    ("a refresh as a number", _set(TOP, "refresh", 30), "$.refresh: 30 is not"),
    ("a collapsed flag as a string", _set(ROW, "collapsed", "yes"), '.collapsed: "yes" is not bool'),
    ("a threshold step as a string",
     lambda d: STAT(d)["fieldConfig"]["defaults"]["thresholds"]["steps"].append({"color": "red", "value": "9"}),
     '.value: "9" is not'),
    ("a stat colour mode Grafana does not know", lambda d: STAT(d)["options"].__setitem__("colorMode", "rainbow"),
     '.color_mode: "rainbow" is not BigValueColorMode'),
    ("a query's expression as a number", lambda d: STAT(d)["targets"][0].__setitem__("expr", 5), ".expr: 5 is not str"),
    ("a transformation id as a number", _set(STAT, "transformations", [{"id": 5}]), ".transformations[0].id_val: 5 is not str"),
]


@pytest.mark.parametrize("mutate, expected", [m[1:] for m in MUTATIONS], ids=[m[0] for m in MUTATIONS])
def test_a_dashboard_grafana_would_migrate_or_misread_is_caught(mutate, expected):
    dashboard = copy.deepcopy(_every_kind())
    mutate(dashboard)
    problems = schema_problems(json.loads(json.dumps(dashboard)))
    assert any(expected in problem for problem in problems), problems
