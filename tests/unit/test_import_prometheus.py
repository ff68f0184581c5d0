"""`stackgen import prometheus FOLDER`: rule files from prometheus.yml's globs and the Alertmanager config beside it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
CONFIG = """global:
  scrape_interval: 15s
rule_files:
  - rules/*.rules.yaml
  - missing/*.yml
scrape_configs:
  - job_name: node
    static_configs: [{targets: ['localhost:9100']}]
"""


def _folder(tmp_path: Path, alertmanager: bool = True) -> Path:
    folder = tmp_path / "prometheus"
    (folder / "rules").mkdir(parents=True)
    for name in ("node.rules.yaml", "prometheus.rules.yaml"):
        shutil.copy(FIXTURES / name, folder / "rules" / name)
    if alertmanager:
        shutil.copy(FIXTURES / "alertmanager.yml", folder / "alertmanager.yml")
    (folder / "prometheus.yml").write_text(CONFIG)
    return folder


def test_a_folder_imports_its_rule_files_and_alertmanager_config(tmp_path: Path, cli) -> None:
    out = tmp_path / "spec" / "stack.yaml"
    result = cli("import", "prometheus", _folder(tmp_path), "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported: 2 file(s); 3 alert group(s) with 9 alert(s); 2 recording group(s) "
                                    "with 7 recording rule(s)")
    assert "6 receiver(s); 3 top-level route(s); 2 inhibit rule(s); 2 time interval(s)" in result.stdout
    assert "prometheus.yml:5: rule_files 'missing/*.yml': selects no file" in result.stdout
    assert "prometheus.yml:6: 1 scrape job(s) (the spec describes its own services" in result.stdout
    spec = yaml.safe_load(out.read_text())
    assert {g["name"] for g in spec["alert_groups"]} >= {"node-exporter", "prometheus"}
    assert len(spec["routing"]["receivers"]) == 6
    assert cli("validate", out).exit_code == 0


def test_a_folder_without_alertmanager_imports_rules_only(tmp_path: Path, cli) -> None:
    result = cli("import", "prometheus", _folder(tmp_path, alertmanager=False))
    assert result.exit_code == 0, result.stderr
    assert "routing" not in yaml.safe_load(result.stdout)


def test_a_folder_without_prometheus_yml_is_refused(tmp_path: Path, cli) -> None:
    result = cli("import", "prometheus", tmp_path)
    assert result.exit_code == 2
    assert f"{tmp_path}: no prometheus.yml in this folder" in result.stderr


def test_a_bad_rule_file_in_the_folder_is_located_and_nothing_is_written(tmp_path: Path, cli) -> None:
    folder = _folder(tmp_path)
    (folder / "rules" / "bad.rules.yaml").write_text("groups:\n  - rules: []\n")
    result = cli("import", "prometheus", folder, "--out", tmp_path / "spec.yaml")
    assert result.exit_code == 2
    assert "bad.rules.yaml:2: groups[0]: a group needs a 'name:'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "spec.yaml").exists()


GLOBS = [
    ("a ** matches one folder, as Prometheus' Go glob reads it", "**/*.rules.yaml", ["node", "prometheus"]),
    ("a ** never descends into the folders below", "**/stale.rules.yaml", []),
]


@pytest.mark.parametrize("pattern, groups", [c[1:] for c in GLOBS], ids=[c[0] for c in GLOBS])
def test_rule_files_are_globbed_as_prometheus_globs_them(pattern: str, groups: list, tmp_path: Path, cli) -> None:
    folder = _folder(tmp_path, alertmanager=False)
    (folder / "rules" / "old").mkdir()
    (folder / "rules" / "old" / "stale.rules.yaml").write_text("groups: [{name: stale, rules: [{record: 'a:b', "
                                                                 "expr: up}]}]\n")
    (folder / "prometheus.yml").write_text(f"rule_files: ['{pattern}']\n")
    result = cli("import", "prometheus", folder)
    if not groups:
        assert result.exit_code == 2, result.output
        assert result.stderr.endswith("prometheus.yml: no rule file and no alertmanager.yml to import (check "
                                      "rule_files: in prometheus.yml)\n")
        return
    assert result.exit_code == 0, result.output
    spec = yaml.safe_load(result.stdout)
    names = {g["name"] for g in spec.get("alert_groups", []) + spec.get("recording_groups", [])}
    assert "stale" not in names and {n.split("-")[0] for n in names} >= set(groups)
