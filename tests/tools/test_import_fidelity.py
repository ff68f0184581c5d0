"""Rule files stackgen did not write, imported, generated, and judged against the originals.

The fixtures under tests/fixtures/import/ are written in the style of the node, Alertmanager and
Prometheus self-monitoring mixins, each with its own promtool unit tests. The round trip must keep every
group and rule (names, PromQL, for, keep_firing_for, labels, annotations, interval, limit), and the
originals' promtool tests must pass against stackgen's rendering, run by the real promtool.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import promql_parser
import pytest
import yaml
from typer.testing import CliRunner

from stackgen.cli.app import app

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
RULE_FILES = sorted(FIXTURES.glob("*.rules.yaml"))
RULE_KEYS = ("for", "keep_firing_for", "labels", "annotations")


def _rules_by_group(files: list[Path]) -> dict[tuple[str, str], dict]:
    """(group, alert|record) -> the group's settings and its rules, PromQL normalised."""
    found: dict[tuple[str, str], dict] = {}
    for file in files:
        for group in yaml.safe_load(file.read_text())["groups"]:
            for rule in group["rules"]:
                kind = "alert" if "alert" in rule else "record"
                entry = found.setdefault((group["name"], kind), {
                    "settings": {k: group.get(k) for k in ("interval", "limit")}, "rules": []})
                entry["rules"].append((rule[kind], promql_parser.parse(str(rule["expr"])).prettify(),
                                       *({k: v for k, v in rule.get(k, {}).items()} if k in ("labels", "annotations")
                                         else rule.get(k) for k in RULE_KEYS)))
    return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("import")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "rules", *map(str, RULE_FILES), "--out", str(work / "spec.yaml")])
    assert result.exit_code == 0, result.output
    assert "left out: nothing" in result.output
    result = runner.invoke(app, ["generate", str(work / "spec.yaml"), "--out", str(work / "out"), "--strict"])
    assert result.exit_code == 0, result.output
    return work / "out"


def test_every_group_and_rule_comes_back_as_written(rendered: Path) -> None:
    files = [rendered / "prometheus" / "recording.yml", rendered / "prometheus" / "alerts.yml"]
    assert _rules_by_group(files) == _rules_by_group(RULE_FILES)


def test_a_rules_only_spec_scrapes_no_placeholder_job(rendered: Path) -> None:
    config = yaml.safe_load((rendered / "prometheus" / "prometheus.yml").read_text())
    assert [job["job_name"] for job in config["scrape_configs"]] == ["prometheus", "alertmanager"]


@pytest.mark.parametrize("original", RULE_FILES, ids=lambda p: p.name)
def test_the_originals_promtool_tests_pass_on_the_rendering(original: Path, rendered: Path, tmp_path: Path) -> None:
    tests = yaml.safe_load(original.with_name(original.name.replace(".yaml", ".test.yaml")).read_text())
    for name in ("recording.yml", "alerts.yml"):
        shutil.copy(rendered / "prometheus" / name, tmp_path / name)
    tests["rule_files"] = ["recording.yml", "alerts.yml"]
    (tmp_path / "tests.yaml").write_text(yaml.safe_dump(tests))
    assert shutil.which("promtool"), "promtool is required"
    result = subprocess.run(["promtool", "test", "rules", "tests.yaml"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
