"""Property: any string in a label, annotation or title comes out of every rendered file as it went in.

Specs are built in memory as data, dumped with yaml.safe_dump and loaded through `load_spec`, as a user's
file would be. Strings mix quotes, newlines, YAML indicators (`: `, `#`, `&`, `*`, `!`), `$`, unicode and
Go template delimiters. Prometheus parses alert labels and annotations as Go templates, so stackgen's
policy is: `validate` refuses a label or annotation that is not a valid template (`spec/gotemplate.py`);
everything it accepts renders to YAML/JSON that parses back to the same strings and passes promtool.
The run is deterministic (derandomize) with a fixed budget; promtool checks every accepted example in one run.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import yaml
from conftest import require_tool
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from stackgen.errors import SpecError
from stackgen.pipeline import render_stack
from stackgen.spec.gotemplate import TemplateError, check_template
from stackgen.spec.loader import load_spec
from stackgen.targets.registry import TARGETS

PIECES = ["'", '"', "\\", "\n", "\t", ": ", " #", "#", "&a", "*a", "!", "!!str", "|", ">", "%", "@", "`", "- ",
          "? ", "{", "}", "[", "]", ",", "$", "$value", "{{", "}}", "{{ $value }}", "{{ $labels.instance }}",
          "{{ humanize $value }}", "{{ if gt $value 1.0 }}big{{ else }}small{{ end }}", "{{- $value -}}",
          "null", "yes", "~", "---", "...", "0x1F", "1e3", "é", "日本語", "🙂", "\u2028", "\x85", "\r\n", " ",
          "<b>", "&amp;", "${HOME}", "%s"]
TEXT = st.lists(st.sampled_from(PIECES) | st.text(min_size=1, max_size=3), max_size=10).map("".join)
PHASES = (Phase.explicit, Phase.generate)  # no shrinking: a failure is reported as found, within the budget
TITLE = TEXT.filter(lambda t: t.strip() != "")


def spec_doc(label: str, summary: str, description: str, note: str, title: str) -> dict:
    return {
        "apiVersion": "stackgen/v1",
        "system": {"name": "prop", "title": title},
        "services": [{"name": "web", "port": 8080, "demo": True, "title": title, "labels": {"owner": label}}],
        "metrics": [{"name": "jobs_total", "type": "counter", "help": "Jobs run."}],
        "alert_groups": [{"name": "jobs", "title": title, "alerts": [{
            "name": "JobsFail", "expr": "rate(jobs_total[5m]) > 1", "severity": "warning", "summary": summary,
            "description": description, "labels": {"team": label}, "annotations": {"note": note}}]}],
        "routing": {"receiver": "team", "receivers": [{"name": "team", "webhook": {"url": "http://hooks.internal/a"}}]},
        "dashboards": [{"uid": "prop", "title": title, "rows": [{"title": title, "panels": [{
            "title": title, "type": "timeseries", "queries": [{"expr": "rate(jobs_total[5m])", "legend": label}]}]}]}],
    }


def strings_in(data) -> list:
    if isinstance(data, dict):
        return [s for v in data.values() for s in strings_in(v)]
    if isinstance(data, list):
        return [s for v in data for s in strings_in(v)]
    return [data] if isinstance(data, str) else []


def valid_template(text: str) -> bool:
    try:
        check_template(text)
    except TemplateError:
        return False
    return True


def check_round_trip(files: dict[str, bytes], label: str, summary: str, description: str, note: str, title: str):
    parsed = {name: (json.loads(data) if name.endswith(".json") else yaml.safe_load(data))
              for name, data in files.items() if name.endswith((".yml", ".yaml", ".json"))}
    rule = parsed["prometheus/alerts.yml"]["groups"][0]["rules"][0]
    assert rule["labels"]["team"] == label
    assert (rule["annotations"]["summary"], rule["annotations"]["note"]) == (summary, note)
    assert rule["annotations"].get("description", "") == description
    job = parsed["prometheus/prometheus.yml"]["scrape_configs"][-1]
    assert job["static_configs"][0]["labels"]["owner"] == label
    dashboard = parsed["grafana/dashboards/prop.json"]
    assert dashboard["title"] == title
    assert strings_in(dashboard).count(title) >= 2  # the dashboard and its panel (and row)
    assert label in strings_in(dashboard)  # the legend


def test_random_strings_render_to_the_same_values_and_pass_promtool(tmp_path):
    accepted: list[tuple[Path, tuple]] = []

    @settings(max_examples=150, deadline=None, derandomize=True, database=None, phases=PHASES,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(TEXT, TEXT.filter(lambda t: t != ""), TEXT, TEXT, TITLE)
    def round_trip(label, summary, description, note, title):
        spec = tmp_path / "spec.yaml"
        spec.write_text(yaml.safe_dump(spec_doc(label, summary, description, note, title)), encoding="utf-8")
        templated = (label, summary, description, note)
        try:
            model = load_spec(spec)
        except SpecError as exc:
            assert not all(valid_template(t) for t in templated), str(exc)
            assert all("invalid template" in issue.message for issue in exc.issues), str(exc)
            return
        assert all(valid_template(t) for t in templated)
        files = render_stack(model, TARGETS["compose"]).files
        check_round_trip(files, label, summary, description, note, title)
        rules = tmp_path / f"alerts-{len(accepted)}.yml"
        rules.write_bytes(files["prometheus/alerts.yml"])
        accepted.append((rules, templated))

    round_trip()
    assert len(accepted) >= 30, "too few examples were valid templates to test promtool with"
    result = subprocess.run([require_tool("promtool"), "check", "rules", *[str(p) for p, _ in accepted]],
                            capture_output=True, text=True, timeout=300)
    refused = [inputs for path, inputs in accepted if f"Checking {path}\n  FAILED" in result.stdout + result.stderr]
    assert result.returncode == 0, f"promtool refused {refused}:\n{result.stdout}{result.stderr}"
