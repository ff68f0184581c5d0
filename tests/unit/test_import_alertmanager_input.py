"""`stackgen import alertmanager` refuses a config of the wrong shape at the value's own line, without a traceback.

Each case is a config Alertmanager itself refuses because a value has the wrong type; the import names the
file, the line, the path in the config and the type it expected, exits 2 and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROUTE = "route:\n  receiver: a\n"
RECEIVERS = "receivers:\n  - name: a\n"

BAD = [
    ("a route list written as a number", ROUTE + "  routes: 5\n" + RECEIVERS,
     "am.yml:3: route.routes: expected a list (- item), got 5"),
    ("a child route written as a number", ROUTE + "  routes: [5]\n" + RECEIVERS,
     "am.yml:3: route.routes[0]: expected a mapping (key: value), got 5"),
    ("an empty child route", ROUTE + "  routes:\n    -\n" + RECEIVERS,
     "am.yml:4: route.routes[0]: expected a mapping (key: value), got None"),
    ("matchers written as a number", ROUTE + "  routes:\n    - matchers: 5\n" + RECEIVERS,
     "am.yml:4: route.routes[0].matchers: expected a list (- item), got 5"),
    ("continue written as a word", ROUTE + "  routes:\n    - {receiver: a, continue: 'yes'}\n" + RECEIVERS,
     "am.yml:4: route.routes[0].continue: expected true or false, got 'yes'"),
    ("a grouping label written as a list", "route:\n  receiver: a\n  group_by: [[x]]\n" + RECEIVERS,
     "am.yml:3: route.group_by[0]: expected text, got ['x']"),
    ("inhibit rules written as a number", ROUTE + RECEIVERS + "inhibit_rules: 5\n",
     "am.yml:5: inhibit_rules: expected a list (- item), got 5"),
    ("a legacy inhibit match written as a number", ROUTE + RECEIVERS + "inhibit_rules:\n  - source_match: 5\n",
     "am.yml:6: inhibit_rules[0].source_match: expected a mapping (key: value), got 5"),
    ("time intervals of a named interval written as a number",
     ROUTE + RECEIVERS + "time_intervals:\n  - {name: night, time_intervals: 5}\n",
     "am.yml:6: time_intervals[night].time_intervals: expected a list (- item), got 5"),
    ("a global section written as a number", "global: 5\n" + ROUTE + RECEIVERS,
     "am.yml:1: global: expected a mapping (key: value), got 5"),
    ("a receiver's configs written as a number", ROUTE + "receivers:\n  - {name: a, slack_configs: 5}\n",
     "am.yml:4: receivers[a].slack_configs: expected a list (- item), got 5"),
    ("a config that is a list", "- route\n", "am.yml:1: expected a mapping (key: value), got ['route']"),
]


def refused_at_its_line(text: str, first_line: str, tmp_path: Path, cli) -> None:
    """Importing `text` exits 2, says `first_line` first (under tmp_path), with no traceback and no spec written."""
    config = tmp_path / "am.yml"
    config.write_text(text)
    result = cli("import", "alertmanager", config, "--out", tmp_path / "spec.yaml")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == f"{tmp_path}/{first_line}"
    assert "Traceback" not in result.output
    assert not (tmp_path / "spec.yaml").exists()


@pytest.mark.parametrize("text, message", [(t, m) for _, t, m in BAD], ids=[n for n, _, _ in BAD])
def test_a_config_of_the_wrong_shape_is_refused_at_its_line(text: str, message: str, tmp_path: Path, cli) -> None:
    refused_at_its_line(text, f"{message} (Alertmanager refuses the file as it is)", tmp_path, cli)


def test_an_empty_global_section_is_no_global_settings(tmp_path: Path, cli) -> None:
    config = tmp_path / "am.yml"
    config.write_text("global:\n" + ROUTE + "receivers:\n  - {name: a, webhook_configs: [{url: 'http://h/x'}]}\n")
    result = cli("import", "alertmanager", config)
    assert result.exit_code == 0, result.output
    assert "webhook:\n        url: http://h/x" in result.stdout


REFUSED = [
    ("a matcher with an unbalanced regex", ROUTE + "  routes:\n    - receiver: a\n      matchers:\n"
     "        - 'alertname=~\"(\"'\n" + RECEIVERS,
     "am.yml:6: route.routes[0].matchers[0]: invalid matcher 'alertname=~\"(\"': invalid regex: missing ), "
     "unterminated subpattern (check brackets, parentheses and escapes)"),
    ("a Slack channel written as a number", ROUTE + "receivers:\n  - name: a\n    slack_configs:\n"
     "      - api_url_file: /etc/am/slack\n        channel: 5\n",
     "am.yml:7: receivers[a].slack_configs[0].channel: expected a string, got 5"),
    ("a time of day written as a number", ROUTE + RECEIVERS + "mute_time_intervals:\n  - name: night\n"
     "    time_intervals:\n      - times:\n          - {start_time: 5, end_time: '06:00'}\n",
     "am.yml:9: mute_time_intervals[night].time_intervals[0].times[0].start_time: expected a string, got 5"),
]


@pytest.mark.parametrize("text, message", [(t, m) for _, t, m in REFUSED], ids=[n for n, _, _ in REFUSED])
def test_a_value_the_spec_refuses_is_named_at_its_line_in_the_config(text: str, message: str, tmp_path: Path,
                                                                      cli) -> None:
    refused_at_its_line(text, message, tmp_path, cli)
