"""An import's hints point into the files the user has: the spec an import checks is text never written (or
written only once it validates), so a hint that names another value (`first defined ...`) names it at its
line in the imported file, or in the spec merged into, never at a line of that text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

BASE_SPEC = """apiVersion: stackgen/v1
metrics:
  - {name: jobs_total, type: counter, help: Jobs., inferred: true}
recording_groups:
  - name: jobs.rules
    rules:
      - {record: 'job:jobs:rate5m', expr: 'sum(rate(jobs_total[5m]))'}
"""
RECORD_AGAIN = ("groups:\n  - name: more\n    rules:\n      - record: job:jobs:rate5m\n"
                "        expr: sum(rate(jobs_total[1m]))\n      - alert: Up\n        expr: up == 0\n"
                "        labels: {severity: info}\n")

REFUSED = [
    ("a receiver named twice in an Alertmanager config is named at both its lines there",
     ("alertmanager", "am.yml"), "route:\n  receiver: a\nreceivers:\n  - name: a\n  - name: a\n",
     "am.yml:5: receivers[a].name: duplicate receiver 'a' (first defined at am.yml:4; names must be unique)"),
    ("two receivers whose names become one spec name are named at both their lines",
     ("alertmanager", "am.yml"), "route:\n  receiver: team\nreceivers:\n  - name: Team\n  - name: team\n",
     "am.yml:5: receivers[team].name: duplicate receiver 'team' (first defined at am.yml:4; names must be unique)"),
]


@pytest.mark.parametrize(("arguments", "text", "expected"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_an_import_the_checks_refuse_points_at_the_imported_file(tmp_path: Path, monkeypatch, cli, arguments, text,
                                                                 expected) -> None:
    monkeypatch.chdir(tmp_path)
    Path(arguments[-1]).write_text(text)
    result = cli("import", *arguments, "--out", "spec.yaml")
    assert (result.exit_code, result.stderr) == (2, expected + "\n")
    assert not Path("spec.yaml").exists()


LEFT_OUT = [
    ("a recording rule written twice is left out with the line of the first",
     ("rules", "r.yml"), None,
     "groups:\n  - name: a\n    rules:\n      - record: job:up:sum\n        expr: sum(up)\n"
     "      - record: job:up:sum\n        expr: sum(up)\n",
     "r.yml:6: recording rule job:up:sum: the spec's checks refuse it: record: duplicate recording rule "
     "'job:up:sum' (first defined at r.yml:4; names must be unique)"),
    ("a recording rule the spec merged into has is left out as defined in that spec",
     ("rules", "r.yml", "--merge", "base.yaml"), BASE_SPEC, RECORD_AGAIN,
     "r.yml:4: recording rule job:jobs:rate5m: the spec's checks refuse it: record: duplicate recording rule "
     "'job:jobs:rate5m' (first defined in base.yaml; names must be unique)"),
]


@pytest.mark.parametrize(("arguments", "base", "text", "expected"), [c[1:] for c in LEFT_OUT],
                         ids=[c[0] for c in LEFT_OUT])
def test_a_rule_an_import_leaves_out_points_at_the_imported_file(tmp_path: Path, monkeypatch, cli, arguments, base,
                                                                 text, expected) -> None:
    monkeypatch.chdir(tmp_path)
    Path(arguments[1]).write_text(text)
    if base is not None:
        Path("base.yaml").write_text(base)
    result = cli("import", *arguments)
    assert result.exit_code == 0, result.stderr
    left_out = result.output.split("left out: 1\n")[1].splitlines()[0]
    assert left_out == f"  {expected}"
