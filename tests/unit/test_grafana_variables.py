"""Dashboard variables of type datasource and custom, from the spec to the rendered dashboard: panels read
the declared data source variable, custom values become Grafana's options, and the spec is checked."""

from __future__ import annotations

import copy
import json

import yaml
from test_dashboard_checks import BASE

from stackgen.model import Variable
from stackgen.output.serialize import dump_json
from stackgen.render.grafana import render_dashboard
from stackgen.render.grafana_variables import custom_pick, custom_query
from stackgen.spec.loader import load_spec

VARIABLES = [
    {"name": "source", "type": "datasource", "label": "Prometheus", "regex": "/prod-.*/"},
    {"name": "job", "type": "custom", "label": "Job", "values": ["api", "worker", "Canary : canary"],
     "default": "worker", "multi": True},
    {"name": "instance", "query": 'label_values(up{job=~"$job"}, instance)'},
]


def _rendered(tmp_path, variables: list) -> dict:
    doc = copy.deepcopy(BASE)
    doc["dashboards"][0]["variables"] = variables
    spec = tmp_path / "shop.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    return json.loads(dump_json(render_dashboard(load_spec(spec).dashboards[0])))


def test_every_panel_query_and_variable_reads_the_declared_datasource_variable(tmp_path):
    dashboard = _rendered(tmp_path, VARIABLES)
    ref = {"type": "prometheus", "uid": "${source}"}
    source, job, instance = dashboard["templating"]["list"]
    assert (source["name"], source["type"], source["label"], source["regex"]) == ("source", "datasource",
                                                                                  "Prometheus", "/prod-.*/")
    assert instance["datasource"] == ref and "datasource" not in job
    for panel in dashboard["panels"]:
        if panel["type"] != "row":
            assert panel["datasource"] == ref and all(t["datasource"] == ref for t in panel["targets"])


def test_a_custom_variable_offers_its_values_and_starts_on_its_default(tmp_path):
    job = _rendered(tmp_path, VARIABLES)["templating"]["list"][1]
    assert (job["type"], job["query"], job["multi"]) == ("custom", "api,worker,Canary : canary", True)
    assert [(o["text"], o["value"], o["selected"]) for o in job["options"]] == [
        ("api", "api", False), ("worker", "worker", True), ("Canary", "canary", False)]
    assert job["current"] == {"selected": True, "text": "worker", "value": "worker"}


def test_a_comma_inside_a_custom_value_is_escaped_as_grafana_reads_it():
    assert custom_query(("a,b", "c")) == "a\\,b,c"


def test_a_custom_variable_starts_on_the_value_of_its_default_or_first_value():
    # `stackgen verify` substitutes this into panel queries, as Grafana would on opening the dashboard.
    assert custom_pick(Variable("env", "", type="custom", values=("Prod : prod", "dev"))) == "prod"
    assert custom_pick(Variable("env", "", type="custom", values=("a", "Dev : dev"), default="Dev : dev")) == "dev"


def test_without_a_datasource_variable_the_dashboard_gets_datasource(tmp_path):
    dashboard = _rendered(tmp_path, VARIABLES[1:])
    first = dashboard["templating"]["list"][0]
    assert (first["name"], first["type"], first["query"]) == ("datasource", "datasource", "prometheus")
    assert dashboard["panels"][1]["datasource"] == {"type": "prometheus", "uid": "${datasource}"}


def test_a_spec_with_every_variable_type_validates(cli, tmp_path):
    doc = copy.deepcopy(BASE)
    doc["dashboards"][0]["variables"] = VARIABLES
    spec = tmp_path / "shop.yaml"
    spec.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = cli("validate", spec, "--strict")
    assert result.exit_code == 0, result.stderr
