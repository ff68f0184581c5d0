"""How an environment's overlay merges onto its spec: the semantics users know from kustomize patches and helm
values files, and the file and line every merged value keeps for its errors.

Each case merges two small YAML documents in-process and compares the merged data exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import yaml

from stackgen.errors import SpecError
from stackgen.spec.environments import merge_sources
from stackgen.spec.yamlsource import parse_yaml


def merged(base: str, overlay: str) -> Any:
    return merge_sources(parse_yaml(base.encode(), "base.yaml"), parse_yaml(overlay.encode(), "over.yaml")).data


@dataclass(frozen=True)
class Case:
    id: str
    base: str
    overlay: str
    expected: str  # the merged document, as YAML


CASES = [
    Case("mappings merge key by key, as deep as both sides are mappings",
         "settings: {scrape_interval: 15s, retention: {time: 15d}, external_labels: {system: taskq}}",
         "settings: {retention: {size: 50GB}, external_labels: {environment: production}}",
         "settings: {scrape_interval: 15s, retention: {time: 15d, size: 50GB},"
         " external_labels: {system: taskq, environment: production}}"),
    Case("an overlay value replaces the spec's value",
         "thresholds: {backlog: {value: 1000, unit: jobs}}",
         "thresholds: {backlog: {value: 5000}}",
         "thresholds: {backlog: {value: 5000, unit: jobs}}"),
    Case("a key set to null removes the spec's key, as in helm values",
         "settings: {scrape_interval: 15s, scrape_timeout: 10s}",
         "settings: {scrape_timeout: null}",
         "settings: {scrape_interval: 15s}"),
    Case("a scalar replaces a mapping whole",
         "thresholds: {backlog: {value: 1000, unit: jobs}}",
         "thresholds: {backlog: 5000}",
         "thresholds: {backlog: 5000}"),
    Case("named list items merge by name, and a new name is added at the end",
         "receivers: [{name: oncall, pagerduty: {routing_key_file: /a}}, {name: team, slack: {channel: '#t'}}]",
         "receivers: [{name: new, webhook: {url: 'https://x'}}, {name: oncall, pagerduty: {routing_key_file: /b}}]",
         "receivers: [{name: oncall, pagerduty: {routing_key_file: /b}}, {name: team, slack: {channel: '#t'}},"
         " {name: new, webhook: {url: 'https://x'}}]"),
    Case("$patch: delete removes a named item",
         "receivers: [{name: oncall, email: {to: a}}, {name: team, email: {to: b}}]",
         "receivers: [{name: oncall, $patch: delete}]",
         "receivers: [{name: team, email: {to: b}}]"),
    Case("named items merge at any depth: an alert inside its group",
         "alert_groups: [{name: jobs, alerts: [{name: Slow, for: 5m, severity: warning}]}]",
         "alert_groups: [{name: jobs, alerts: [{name: Slow, for: 10m}]}]",
         "alert_groups: [{name: jobs, alerts: [{name: Slow, for: 10m, severity: warning}]}]"),
    Case("items of one name are told apart by severity",
         "alerts: [{name: Fail, severity: critical, for: 5m}, {name: Fail, severity: warning, for: 15m}]",
         "alerts: [{name: Fail, severity: warning, for: 1h}]",
         "alerts: [{name: Fail, severity: critical, for: 5m}, {name: Fail, severity: warning, for: 1h}]"),
    Case("SLOs of one name are told apart by service",
         "slos: [{service: api, name: avail, objective: 99}, {service: worker, name: avail, objective: 99}]",
         "slos: [{service: worker, name: avail, objective: 99.9}]",
         "slos: [{service: api, name: avail, objective: 99}, {service: worker, name: avail, objective: 99.9}]"),
    Case("dashboards merge by uid, and their rows and panels by title",
         "dashboards: [{uid: d, rows: [{title: R, panels: [{title: P, unit: s}, {title: Q}]}]}]",
         "dashboards: [{uid: d, rows: [{title: R, panels: [{title: P, unit: ms}]}]}]",
         "dashboards: [{uid: d, rows: [{title: R, panels: [{title: P, unit: ms}, {title: Q}]}]}]"),
    Case("a list without names (routes) is replaced whole",
         "routes: [{matchers: ['a=\"1\"'], receivers: [x]}, {matchers: ['b=\"2\"'], receivers: [y]}]",
         "routes: [{matchers: ['c=\"3\"'], receivers: [z]}]",
         "routes: [{matchers: ['c=\"3\"'], receivers: [z]}]"),
    Case("a list of plain values is replaced whole",
         "routing: {group_by: [alertname, service]}",
         "routing: {group_by: [alertname]}",
         "routing: {group_by: [alertname]}"),
    Case("a list whose items do not all carry a name is replaced whole",
         "tests: [{name: a, at: 5m}, {at: 6m}]",
         "tests: [{name: a, at: 7m}]",
         "tests: [{name: a, at: 7m}]"),
    Case("keys the spec does not have are added",
         "system: {name: taskq}",
         "stack: {ports: {prometheus: 9290}}",
         "system: {name: taskq}\nstack: {ports: {prometheus: 9290}}"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_an_overlay_merges_onto_its_spec(case):
    assert merged(case.base, case.overlay) == yaml.safe_load(case.expected)


def test_the_merge_leaves_the_spec_data_untouched():
    base = parse_yaml(b"receivers: [{name: a, email: {to: x}}]\nsettings: {scrape_interval: 15s}", "base.yaml")
    before = yaml.safe_dump(base.data)
    merge_sources(base, parse_yaml(b"receivers: [{name: a, $patch: delete}]\nsettings: {scrape_interval: 1m}",
                                   "over.yaml"))
    assert yaml.safe_dump(base.data) == before


BASE = """\
settings:
  scrape_interval: 15s
  external_labels:
    system: taskq
receivers:
  - name: oncall
    email:
      to: a@example.org
  - name: team
    email:
      to: b@example.org
"""
OVERLAY = """\
settings:
  external_labels:
    environment: production
receivers:
  - name: team
    email:
      to: c@example.org
  - name: audit
    email:
      to: d@example.org
"""
LOCATIONS = [
    (("settings", "scrape_interval"), "base.yaml:2: settings.scrape_interval: x"),
    (("settings", "external_labels", "system"), "base.yaml:4: settings.external_labels.system: x"),
    (("settings", "external_labels", "environment"), "over.yaml:3: settings.external_labels.environment: x"),
    (("receivers", 0, "email", "to"), "base.yaml:8: receivers[oncall].email.to: x"),
    (("receivers", 1), "base.yaml:9: receivers[team]: x"),
    (("receivers", 1, "email", "to"), "over.yaml:7: receivers[team].email.to: x"),
    (("receivers", 2, "email", "to"), "over.yaml:10: receivers[audit].email.to: x"),
    (("receivers", 2, "email", "from"), "over.yaml:9: receivers[audit].email.from: x"),  # absent: its parent's line
]


@pytest.mark.parametrize(("path", "expected"), LOCATIONS, ids=[".".join(map(str, p)) for p, _ in LOCATIONS])
def test_every_merged_value_is_located_in_the_file_it_came_from(path, expected):
    source = merge_sources(parse_yaml(BASE.encode(), "base.yaml"), parse_yaml(OVERLAY.encode(), "over.yaml"))
    found = source.issue(path, "x")
    assert str(found) == expected


ERRORS = [
    ("an overlay that is not a mapping is refused at its first line", "- a\n- b\n",
     "over.yaml:1: an overlay must be a mapping of the spec keys it overrides "
     "(e.g. 'thresholds: {queue_backlog_jobs: 5000}')"),
    ("a name that matches two items says which key tells them apart",
     "alerts:\n  - name: Fail\n    for: 1h\n",
     "over.yaml:2: alerts[Fail]: name 'Fail' matches 2 items of the base spec (add severity to say which one)"),
    ("deleting an item the spec does not have is refused",
     "receivers:\n  - name: nobody\n    $patch: delete\n",
     "over.yaml:2: receivers[nobody]: no name 'nobody' in the base spec to delete (check the name against base.yaml)"),
    ("an item overridden twice in one overlay is refused",
     "receivers:\n  - name: team\n    email: {to: x}\n  - name: team\n    email: {to: y}\n",
     "over.yaml:4: receivers[team]: name 'team' is overridden twice in this overlay (merge the two items into one)"),
    ("an unknown $patch is refused with what it may be",
     "receivers:\n  - name: team\n    $patch: replace\n",
     "over.yaml:3: receivers[team].$patch: unknown $patch 'replace' "
     "('$patch: delete' removes the item; leave it out to merge the item)"),
]
ERROR_BASE = """\
alerts:
  - {name: Fail, severity: critical}
  - {name: Fail, severity: warning}
receivers:
  - {name: team, email: {to: a}}
"""


@pytest.mark.parametrize(("overlay", "expected"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_a_bad_overlay_is_refused_at_its_own_file_and_line(overlay, expected):
    with pytest.raises(SpecError) as raised:
        merged(ERROR_BASE, overlay)
    assert str(raised.value) == expected
