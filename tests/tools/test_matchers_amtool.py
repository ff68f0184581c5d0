"""stackgen's matcher check agrees with amtool: every matcher in the corpus gets the same verdict from both."""

from __future__ import annotations

import subprocess

import pytest
import yaml
from conftest import require_tool

from stackgen.spec.matchers import MatcherError, parse_matchers

CORPUS = [
    'severity="critical"', "severity=critical", 'severity!="info"', 'alertname=~"High.*|Low.*"',
    'alertname!~"Watchdog"', 'service=~"api|worker"', 'team=~"[a-z]+"', 'instance=~".*:9100"', "job=",
    'name="a \\"quoted\\" word"', '{severity="critical", service="api"}', "severity=critical,service=api",
    'env=~"(prod|staging)-[0-9]{1,3}"', 'path=~"/api/v[12]/.*"', 'x=~"\\\\d+"', "__name__=up",
    'severity=="info"', 'severity="critical', 'alertname=~"(High"', 'alertname=~"[a-z"', 'alertname=~"a{2,1}"',
    'alertname=~"(?=High)\\\\w+"', 'alertname=~"(?!Watchdog).*"', 'alertname=~"(?<=a)b"', 'alertname=~"(a)\\\\1"',
    'alertname=~"(?P<x>a)(?P=x)"', 'alertname=~"a++"', 'alertname=~"*a"', "2severity=critical", "severity",
    'alert name="x"', 'severity="a"b"', 'alertname=~"(?>a)"',
]


def stackgen_accepts(text: str) -> bool:
    try:
        parse_matchers(text)
    except MatcherError:
        return False
    return True


@pytest.mark.parametrize("matcher", CORPUS)
def test_the_matcher_check_and_amtool_agree(matcher, tmp_path):
    config = {"route": {"receiver": "null", "routes": [{"receiver": "null", "matchers": [matcher]}]},
              "inhibit_rules": [{"source_matchers": [matcher], "target_matchers": ["a=b"]}],
              "receivers": [{"name": "null"}]}
    (tmp_path / "config.yml").write_text(yaml.safe_dump(config))
    result = subprocess.run([require_tool("amtool"), "check-config", "config.yml"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=30)
    assert stackgen_accepts(matcher) == (result.returncode == 0), result.stdout + result.stderr


def test_the_corpus_holds_both_verdicts():
    verdicts = [stackgen_accepts(m) for m in CORPUS]
    assert verdicts.count(True) >= 10 and verdicts.count(False) >= 10
