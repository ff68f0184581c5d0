"""`validate` reads test series values as promtool does: a corpus gets the same verdict from both."""

from __future__ import annotations

import subprocess

import pytest
import yaml
from conftest import require_tool

from stackgen.service.series import expand_values

CORPUS = ["1 1 0x5", "0+6x20", "1+1x10", "10-1x5", "_", "_x3", "stale", "1 _ 2 stale 3", "-1x3", "1e3x2",
          "Inf", "-Inf", "NaN", "0.5 0.25", "950000000 x 20", "1x", "x5", "1 + 1x10", "abc", "1..2", "1,2"]


def stackgen_accepts(values: str) -> bool:
    try:
        expand_values(values)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("values", CORPUS)
def test_the_series_check_and_promtool_agree(values, tmp_path):
    (tmp_path / "rules.yml").write_text("groups: []\n")
    tests = {"rule_files": ["rules.yml"], "evaluation_interval": "1m",
             "tests": [{"interval": "1m", "input_series": [{"series": 'up{job="a"}', "values": values}],
                        "promql_expr_test": [{"expr": "vector(1)", "eval_time": "0m",
                                              "exp_samples": [{"labels": "{}", "value": 1}]}]}]}
    (tmp_path / "tests.yml").write_text(yaml.safe_dump(tests))
    result = subprocess.run([require_tool("promtool"), "test", "rules", "tests.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=30)
    assert stackgen_accepts(values) == (result.returncode == 0), result.stdout + result.stderr


def test_the_corpus_holds_both_verdicts():
    verdicts = [stackgen_accepts(v) for v in CORPUS]
    assert verdicts.count(True) >= 10 and verdicts.count(False) >= 5
