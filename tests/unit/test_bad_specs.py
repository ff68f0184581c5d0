"""A corpus of hostile and broken specs: each is refused with exit code 2 and one clear message.

Every case gives one message naming the file, the line and the spec path, and leaves the output folder
untouched. Cases are small files in `tests/bad_specs/` (what cannot be written as an edit: broken bytes,
aliases) or the default spec with exactly one edit. `{line}` in an expected message is the line the edit
starts on, so the table survives edits elsewhere in the default spec.

Spec paths: a syntax error has no parsed value to point at, so its path is the last value the parser read
before it; a document-level problem (an empty file, a file over the size limit) has no path at all.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, snapshot
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from stackgen.errors import SpecError
from stackgen.spec.loader import check_source
from stackgen.spec.yamlsource import parse_yaml

BAD = ROOT / "tests" / "bad_specs"
PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
VARIABLE = "      - name: instance\n        label: Instance\n"  # the default spec's second dashboard variable


@dataclass(frozen=True)
class Case:
    id: str
    expected: str  # exact substring of the one message; {line} = the line of the edit
    file: str = ""  # a file in tests/bad_specs/, or:
    old: str = ""  # text of the default spec to replace (must occur exactly once) ...
    new: str = ""  # ... with this
    line_offset: int = 0  # where the error is, relative to the first line of `old`

    def spec_text(self) -> tuple[bytes, int]:
        if self.file:
            return (BAD / self.file).read_bytes(), 0
        assert PATRONUS.count(self.old) == 1, f"{self.id}: the edit must match the default spec exactly once"
        line = PATRONUS[: PATRONUS.index(self.old)].count("\n") + 1 + self.line_offset
        return PATRONUS.replace(self.old, self.new).encode(), line


def edit(id: str, old: str, new: str, expected: str, line_offset: int = 0) -> Case:
    return Case(id, expected, old=old, new=new, line_offset=line_offset)


def raw(id: str, file: str, expected: str) -> Case:
    return Case(id, expected, file=file)


CASES = [
    # --- YAML itself ---
    raw("an unclosed bracket names its line and the value before it", "broken_yaml.yaml",
        "broken_yaml.yaml:7: services[0].port[0]: invalid YAML: did not find expected ',' or ']'"),
    raw("a tab in the indentation says to use spaces", "tab_indent.yaml",
        "tab_indent.yaml:3: system: invalid YAML: found character that cannot start any token "
        "(a tab indents this line; YAML indents with spaces, never tabs)"),
    edit("a key written twice in one mapping is refused", "    port: 8443\n", "    port: 8443\n    port: 8444\n",
         "patronus.yaml:{line}: services[0].port: duplicate key 'port' (first on line", line_offset=1),
    edit("a threshold declared twice is a duplicate key", "  site_capacity:\n",
         "  packet_loss_ratio:\n    value: 1\n  site_capacity:\n",
         "patronus.yaml:{line}: thresholds.packet_loss_ratio: duplicate key 'packet_loss_ratio'"),
    edit("a merge key given a plain value is refused at its line, not with a traceback", "    port: 8443\n",
         "    <<: 8443\n    port: 8443\n",
         "patronus.yaml:{line}: services[0].<<: invalid merge key: expected a mapping or list of mappings for "
         "merging, but found scalar (give `<<:` a mapping or a list of mappings"),
    edit("a merge key given a list with a plain value in it is refused at that value", "    port: 8443\n",
         "    <<:\n      - {title: x}\n      - 8443\n    port: 8443\n",
         "patronus.yaml:{line}: services[0].<<: invalid merge key: expected a mapping for merging, but found "
         "scalar", line_offset=2),
    raw("bytes that are not UTF-8 name the line and the key they are in", "not_utf8.yaml",
        "not_utf8.yaml:3: system.name: not valid UTF-8 (byte 0xe9) (save the spec as UTF-8)"),
    raw("an empty file says where to start", "empty.yaml",
        "empty.yaml:1: the spec is empty (start from `stackgen init`)"),
    raw("a file of only comments is empty too", "only_comments.yaml",
        "only_comments.yaml:1: the spec is empty (start from `stackgen init`)"),
    # Measured with `/usr/bin/time -v stackgen validate tests/bad_specs/alias_bomb.yaml`: 0.50 s wall and 63 MiB
    # peak RSS, against 0.39 s and 45 MiB for the valid default spec. Timing is never asserted here.
    raw("an alias bomb stops at the value budget", "alias_bomb.yaml",
        "alias_bomb.yaml:3: f[0][3][3][7][3][7]: aliases expand to over 100000 values"),
    raw("a route tree that contains itself through an alias is refused", "recursive_route.yaml",
        "recursive_route.yaml:9: routing.routes[0].routes: recursive alias: this value contains itself"),
    raw("block nesting deeper than any spec needs is refused", "deep_nesting.yaml",
        "deep_nesting.yaml:66: system.level0.level1"),
    raw("flow nesting thousands deep fails in the parser, not with a crash", "deep_flow_nesting.yaml",
        "deep_flow_nesting.yaml:2: system: invalid YAML: exceeded maximum nesting depth"),
    edit("a value that looks like a date but is none is refused at its line, not with a traceback",
         "  name: patronus\n", "  name: 2001-02-30\n",
         "patronus.yaml:{line}: system.name: invalid value '2001-02-30': day is out of range for month (quote it to "
         "keep it as text, or write a real date)"),
    edit("a value its explicit tag cannot read is refused at its line, not with a traceback",
         "  name: patronus\n", "  name: !!bool maybe\n",
         "patronus.yaml:{line}: system.name: invalid value 'maybe': not a bool (write a value !!bool reads, or remove "
         "the tag)"),
    edit("a number its explicit tag cannot read names the tag to remove", "  name: patronus\n", "  name: !!int 08\n",
         "patronus.yaml:{line}: system.name: invalid value '08': invalid literal for int() with base 8: '08' (write a "
         "value !!int reads, or remove the tag)"),
    raw("a top-level list is not a spec", "top_level_list.yaml",
        "top_level_list.yaml:1: the spec must be a mapping at the top level"),
    raw("a python tag is never constructed", "python_tag.yaml",
        "python_tag.yaml:1: apiVersion: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    raw("a python tag on a plain value is never constructed either", "python_scalar_tag.yaml",
        "python_scalar_tag.yaml:2: system.name: invalid value: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/name:os.getcwd'"),
    # --- structure and types ---
    edit("an unsupported apiVersion says which one this stackgen reads", "apiVersion: stackgen/v1",
         "apiVersion: stackgen/v2",
         "patronus.yaml:{line}: apiVersion: unsupported apiVersion 'stackgen/v2' (this stackgen reads 'stackgen/v1')"),
    edit("a port that is not a number", "    port: 8443\n", "    port: eighty\n",
         "patronus.yaml:{line}: services[dashboard].port: expected a whole number, got 'eighty'"),
    edit("a label list written as one string", "    labels: [method, route, status]\n",
         "    labels: method route status\n",
         "patronus.yaml:{line}: metrics[http_requests_total].labels: expected a list (- item), "
         "got 'method route status'"),
    edit("a boolean written as a string", "      continue: true\n", '      continue: "true"\n',
         "patronus.yaml:{line}: routing.routes[0].continue: expected true or false, got 'true'"),
    edit("a misspelt top-level key suggests the right one", "exporters:\n", "exportres:\n",
         "patronus.yaml:{line}: exportres: unknown key 'exportres' (did you mean 'exporters'?)"),
    edit("a misspelt service key suggests the right one", "    metrics_path: /metrics\n",
         "    metric_path: /metrics\n",
         "patronus.yaml:{line}: services[dashboard].metric_path: unknown key 'metric_path' "
         "(did you mean 'metrics_path'?)"),
    edit("a misspelt alert key suggests the right one", "        for: 30m\n", "        fro: 30m\n",
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].fro: unknown key 'fro' "
         "(did you mean 'for'?)"),
    edit("a metric without help says what to add", "    help: Database connections currently open.\n", "",
         "patronus.yaml:{line}: metrics[db_connections_active]: missing required key 'help' (add 'help:' here)",
         line_offset=-2),
    edit("a severity typo suggests the right one", "        for: 30m\n        severity: info\n",
         "        for: 30m\n        severity: inf\n",
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].severity: 'inf' is not one of: "
         "critical, warning, info (did you mean 'info'?)", line_offset=1),
    edit("a huge summary is refused by length", "summary: Nobody has used the Patronus dashboard for 30 minutes",
         "summary: " + "x" * 5000,
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].summary: '" + "x" * 56
         + "... is 5000 characters long, over the limit of 4000"),
    edit("a threshold written as text says it takes a number or a mapping",
         "  http_error_ratio:\n    value: 0.05\n    unit: ratio\n"
         "    description: Share of HTTP requests answered with a 5xx status that pages someone.\n",
         "  http_error_ratio: five percent\n",
         "patronus.yaml:{line}: thresholds.http_error_ratio: expected a number, or a mapping with 'value:', "
         "got 'five percent'"),
    edit("a threshold value written as a string is refused where it is written",
         "    value: 0.05\n    unit: ratio\n    description: Share of HTTP requests answered with a 5xx status that pages",
         "    value: '0.05'\n    unit: ratio\n    description: Share of HTTP requests answered with a 5xx status that pages",
         "patronus.yaml:{line}: thresholds.http_error_ratio.value: expected a number, got '0.05'"),
    edit("a threshold of YAML's not-a-number is refused with how YAML read it",
         "    value: 0.05\n    unit: ratio\n    description: Share of HTTP requests answered with a 5xx status that pages",
         "    value: .nan\n    unit: ratio\n    description: Share of HTTP requests answered with a 5xx status that pages",
         "patronus.yaml:{line}: thresholds.http_error_ratio.value: expected a finite number, got nan (YAML reads .inf and "
         ".nan as infinity and not-a-number: write the number itself)"),
    edit("an infinite histogram bucket is refused, since +Inf is always added",
         "buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]",
         "buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, .inf]",
         "patronus.yaml:{line}: metrics[http_request_duration_seconds].buckets[10]: expected a finite number, got inf"),
    edit("an SLO objective of not-a-number is refused before the SLO math sees it", "    objective: 99.9\n",
         "    objective: .nan\n", "patronus.yaml:{line}: slos[dashboard-api-availability].objective: expected a finite "
         "number, got nan"),
    edit("a misspelt key inside a threshold mapping suggests the right one",
         "    value: 0.05\n    unit: ratio\n    description: Share of HTTP requests answered with a 5xx status that pages",
         "    valeu: 0.05\n    unit: ratio\n    description: Share of HTTP requests answered with a 5xx status that pages",
         "patronus.yaml:{line}: thresholds.http_error_ratio.valeu: unknown key 'valeu' (did you mean 'value'?)"),
    edit("a boolean is not a whole number", "    port: 8443\n", "    port: true\n",
         "patronus.yaml:{line}: services[dashboard].port: expected a whole number, got True"),
    edit("a port out of range names the limit", "    port: 8443\n", "    port: 70000\n",
         "patronus.yaml:{line}: services[dashboard].port: 70000 is above the maximum of 65535"),
    edit("an optional key written with no value is refused, not taken as unset", "        for: 30m\n",
         "        for:\n",
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].for: expected a string, got None "
         "(YAML reads an empty value, and one starting with # (a comment), as null: write the value, in quotes if "
         "it starts with #, e.g. \"#alerts\"; Prometheus duration, e.g. 30s, 5m, 1h30m)"),
    edit("a Slack channel written without quotes is a YAML comment, and the message says so",
         '        channel: "#patronus-alerts"\n', "        channel: #patronus-alerts\n",
         "patronus.yaml:{line}: routing.receivers[slack-warning].slack.channel: expected a string, got None "
         "(YAML reads an empty value, and one starting with # (a comment), as null: write the value, in quotes if "
         "it starts with #, e.g. \"#alerts\")"),
    edit("a label named on is read as true by YAML, and the message says to quote it",
         "    labels: [method, route, status]\n", "    labels: [method, on, status]\n",
         "patronus.yaml:{line}: metrics[http_requests_total].labels[1]: expected a string, got True (YAML reads "
         "unquoted yes, no, on, off, true and false as booleans: quote the word, e.g. 'on'"),
    edit("a threshold value with a unit points at the value and says to write the number alone",
         "  http_error_ratio:\n    value: 0.05\n", '  http_error_ratio:\n    value: "0.8s"\n',
         "patronus.yaml:{line}: thresholds.http_error_ratio.value: expected a number, got '0.8s' (write the number "
         "alone, without quotes or a unit)", line_offset=1),
    edit("a label listed twice names it", "    labels: [method, route, status]\n", "    labels: [method, route, method]\n",
         "patronus.yaml:{line}: metrics[http_requests_total].labels: 'method' is listed twice (list each one once)"),
    edit("an empty bucket list asks for at least one", "buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]",
         "buckets: []", "patronus.yaml:{line}: metrics[http_request_duration_seconds].buckets: [] is empty "
         "(add at least one)"),
    # --- names ---
    edit("a metric name with dashes is not a Prometheus name", "  - name: http_requests_in_progress\n",
         "  - name: http-requests-in-progress\n",
         "patronus.yaml:{line}: metrics[http-requests-in-progress].name: 'http-requests-in-progress' is not valid "
         "here: expected a Prometheus metric name"),
    edit("a label name starting with a digit is not a Prometheus name", "    labels: [result]\n",
         "    labels: [2xx_result]\n",
         "patronus.yaml:{line}: metrics[auth_token_refreshes_total].labels[0]: '2xx_result' is not valid here: "
         "expected a Prometheus label name"),
    edit("the le label on a histogram is reserved", "    labels: [method, route]\n",
         "    labels: [method, route, le]\n",
         "patronus.yaml:{line}: metrics[http_request_duration_seconds].labels[2]: "
         "label 'le' is reserved for histograms"),
    edit("a label name with two leading underscores is reserved", "    labels: [version]\n",
         "    labels: [__version]\n",
         "patronus.yaml:{line}: metrics[app_info].labels[0]: label '__version': names starting with __ are reserved "
         "for Prometheus (rename it 'version')"),
    edit("a number as a label name is refused like any other bad name", "    labels:\n      team: netops\n",
         "    labels:\n      team: netops\n      1: one\n",
         "patronus.yaml:{line}: services[dashboard].labels: '1' is not valid here: expected a Prometheus label name"),
    edit("a metrics path with a query string is refused, since Prometheus escapes the ? and scrapes nothing",
         "    metrics_path: /metrics\n", "    metrics_path: /metrics?format=text\n",
         "patronus.yaml:{line}: services[dashboard].metrics_path: '/metrics?format=text' is not valid here: expected a "
         "URL path starting with /, without spaces, ?, #, braces or //"),
    edit("an uppercase service name is refused", "  - name: dashboard\n", "  - name: Dashboard\n",
         "patronus.yaml:{line}: services[Dashboard].name: 'Dashboard' is not valid here: expected a lowercase name"),
    # --- exporters: catalog kinds, the generic form, their secrets and their metrics ---
    edit("an unknown exporter kind names the catalog's kinds", "  - kind: node\n    port: 9100\n",
         "  - kind: postgress\n",
         "patronus.yaml:{line}: exporters[0].kind: 'postgress' is not one of: node, postgres, redis, blackbox, "
         "mysqld, cadvisor, kube-state-metrics, custom (did you mean 'postgres'?)"),
    edit("a custom exporter says what it runs and where it listens", "  - kind: node\n    port: 9100\n",
         "  - kind: custom\n    name: billing-exporter\n",
         "patronus.yaml:{line}: exporters[billing-exporter]: a custom exporter needs 'port:' and 'image:' (it "
         "states its job name, the port it listens on and the image the compose stack runs), or use a catalog kind"),
    edit("a password in an exporter's environment goes to a secret file", "  - kind: node\n    port: 9100\n",
         "  - kind: postgres\n    environment: {DATA_SOURCE_PASS: hunter2}\n",
         "patronus.yaml:{line}: exporters[0].environment.DATA_SOURCE_PASS: 'DATA_SOURCE_PASS' holds a literal secret "
         "(read it from a file: under 'secrets:', write DATA_SOURCE_PASS_FILE: /run/secrets/<name>", line_offset=1),
    edit("a password in an exporter's data source URL goes to a secret file", "  - kind: node\n    port: 9100\n",
         "  - kind: postgres\n    environment: {DATA_SOURCE_NAME: 'postgresql://u:pw@db:5432/x'}\n",
         "patronus.yaml:{line}: exporters[0].environment.DATA_SOURCE_NAME: 'DATA_SOURCE_NAME' holds a password in "
         "a URL", line_offset=1),
    edit("an exporter's secret is an absolute file path", "  - kind: node\n    port: 9100\n",
         "  - kind: postgres\n    secrets: {DATA_SOURCE_PASS_FILE: secrets/pw}\n",
         "patronus.yaml:{line}: exporters[0].secrets.DATA_SOURCE_PASS_FILE: 'secrets/pw' is not valid here: "
         "expected an absolute file path", line_offset=1),
    edit("an exporter command says where to listen", "  - kind: node\n    port: 9100\n",
         "  - kind: node\n    command: [node_exporter]\n",
         "patronus.yaml:{line}: exporters[0].command: the command does not say where to listen (put {port} (and "
         "{host}) in its arguments", line_offset=1),
    edit("an exporter declares a metric once", "  - kind: node\n    port: 9100\n",
         "  - kind: custom\n    name: billing\n    port: 9500\n    image: billing:1\n    metrics:\n"
         "      - {name: billing_up, type: gauge}\n      - {name: billing_up, type: gauge}\n",
         "patronus.yaml:{line}: exporters[billing].metrics[billing_up].name: duplicate metric 'billing_up' in "
         "exporter 'billing'", line_offset=6),
    edit("an exporter metric's type is one Prometheus knows", "  - kind: node\n    port: 9100\n",
         "  - kind: custom\n    name: billing\n    port: 9500\n    image: billing:1\n    metrics:\n"
         "      - {name: billing_up, type: gauge2}\n",
         "patronus.yaml:{line}: exporters[billing].metrics[billing_up].type: 'gauge2' is not one of: counter, "
         "gauge, histogram, summary, untyped (did you mean 'gauge'?)", line_offset=5),
    raw("an exporter's metric is declared under the exporter only", "exporter_metric_declared_twice.yaml",
        "exporter_metric_declared_twice.yaml:10: exporters[billing].metrics[billing_runs].name: 'billing_runs' is "
        "also declared under 'metrics:' (on line 13) (declare it once: under the exporter that exposes it, or under "
        "'metrics:' for a service's own)"),
    raw("a label a catalog exporter's metric does not carry is refused with the right one",
        "exporter_label_not_carried.yaml",
        "exporter_label_not_carried.yaml:12: alert_groups[database].alerts[Deadlocks].expr: "
        "'pg_stat_database_deadlocks' has no label 'dbname', so this selector matches nothing "
        "(did you mean 'datname'?)"),
    # --- PromQL and references ---
    edit("an unbalanced parenthesis is a PromQL syntax error", "(rate(db_errors_total[5m])) >",
         "(rate(db_errors_total[5m]) >",
         "patronus.yaml:{line}: alert_groups[database].alerts[DatabaseErrors].expr: invalid PromQL: "),
    edit("a range with a bad unit is a PromQL syntax error",
         "expr: sum by (job) (rate(http_requests_total[5m]))\n    description: Requests per second per job.",
         "expr: sum by (job) (rate(http_requests_total[5x]))\n    description: Requests per second per job.",
         "patronus.yaml:{line}: recording_rules[job:http_requests:rate5m].expr: invalid PromQL: "),
    edit("an undeclared metric in an alert suggests the declared one", "expr: sdwan_path_up == 0",
         "expr: sdwan_path_upp == 0",
         "patronus.yaml:{line}: alert_groups[sdwan].alerts[PathDown].expr: unknown metric 'sdwan_path_upp' "
         "(did you mean 'sdwan_path_up'?)"),
    edit("an undeclared metric in a recording rule suggests the declared one",
         "(rate(db_query_duration_seconds_bucket[5m])))", "(rate(db_query_duration_second_bucket[5m])))",
         "patronus.yaml:{line}: recording_rules[job:db_query_duration_seconds:p95_5m].expr: unknown metric "
         "'db_query_duration_second_bucket' (did you mean 'db_query_duration_seconds_bucket'?)"),
    edit("an unknown threshold in an expression suggests the declared one",
         "expr: sdwan_path_packet_loss_ratio > {{ thresholds.packet_loss_ratio }}",
         "expr: sdwan_path_packet_loss_ratio > {{ thresholds.packet_los_ratio }}",
         "patronus.yaml:{line}: alert_groups[sdwan].alerts[HighPacketLoss].expr: unknown threshold 'packet_los_ratio' "
         "(did you mean 'packet_loss_ratio'?)"),
    edit("an unknown threshold field suggests the declared one", "        threshold: site_capacity\n",
         "        threshold: site_capacit\n",
         "patronus.yaml:{line}: alert_groups[capacity].alerts[HighSiteCount].threshold: unknown threshold "
         "'site_capacit' (did you mean 'site_capacity'?)"),
    edit("a severity label on an alert is refused because the severity field sets it",
         "        threshold: site_capacity\n",
         "        threshold: site_capacity\n        labels:\n          severity: critical\n",
         "patronus.yaml:{line}: alert_groups[capacity].alerts[HighSiteCount].labels.severity: label 'severity' is "
         "set by the alert's 'severity:' field (move it to 'severity: critical' on the alert)", line_offset=2),
    edit("an unknown service on an alert suggests the declared one",
         "        severity: info\n        service: dashboard\n        summary: Nobody",
         "        severity: info\n        service: dashbord\n        summary: Nobody",
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].service: unknown service "
         "'dashbord' (did you mean 'dashboard'?)", line_offset=1),
    edit("series values with spaces inside a term name the term and the notation",
         """'up{job="dashboard", instance="dashboard:8443"}': "1 1 0x5"\n""",
         """'up{job="dashboard", instance="dashboard:8443"}': "1 1 0 x 5"\n""",
         "patronus.yaml:{line}: alert_groups[service-health].alerts[DashboardDown].tests[an instance that stops "
         "answering for a minute pages].series."
         "up{job=\"dashboard\", instance=\"dashboard:8443\"}: cannot read 'x' in the series values '1 1 0 x 5' "
         "(promtool's notation: space-separated values"),
    edit("a test series written as a number is refused before the expected alert is derived from it",
         """'up{job="dashboard", instance="dashboard:8443"}': "1 1 0x5"\n""", """1: "1 1 0x5"\n""",
         "patronus.yaml:{line}: alert_groups[service-health].alerts[DashboardDown].tests[an instance that stops "
         "answering for a minute pages].series.1: '1' is not a series (a metric name and labels set with =) (write "
         "the series as promtool reads it, e.g. http_requests_total{job=\"api\", status=\"500\"})"),
    edit("a test series with a negative matcher is refused, as promtool refuses it",
         """'up{job="dashboard", instance="dashboard:8443"}': "1 1 0x5"\n""",
         """'up{job="dashboard", instance!="dashboard:8443"}': "1 1 0x5"\n""",
         "patronus.yaml:{line}: alert_groups[service-health].alerts[DashboardDown].tests[an instance that stops "
         "answering for a minute pages].series.up{job=\"dashboard\", instance!=\"dashboard:8443\"}: "
         "'up{job=\"dashboard\", instance!=\"dashboard:8443\"}' is not a series"),
    edit("series values that expand past the limit are refused without expanding them",
         """'up{job="dashboard", instance="dashboard:8443"}': "1 1 0x5"\n""",
         """'up{job="dashboard", instance="dashboard:8443"}': "1 1 0x999999999"\n""",
         "patronus.yaml:{line}: alert_groups[service-health].alerts[DashboardDown].tests[an instance that stops "
         "answering for a minute pages].series.up{job=\"dashboard\", instance=\"dashboard:8443\"}: the series values "
         "'1 1 0x999999999' make 1000000002 values, over the limit of 100000 (a test needs samples up to its 'at' "
         "time only: lower the xN counts)"),
    edit("a label the metric does not declare suggests the declared one", "expr: sdwan_path_up == 0",
         'expr: sdwan_path_up{sitee="paris"} == 0',
         "patronus.yaml:{line}: alert_groups[sdwan].alerts[PathDown].expr: 'sdwan_path_up' has no label 'sitee', "
         "so this selector matches nothing (did you mean 'site'?)"),
    edit("a label a recording rule aggregates away is refused on its recorded series",
         'expr: job:http_requests_errors:ratio_rate5m{job="dashboard"} > {{ thresholds.http_error_ratio }}\n',
         'expr: job:http_requests_errors:ratio_rate5m{route="/"} > {{ thresholds.http_error_ratio }}\n',
         "patronus.yaml:{line}: alert_groups[service-health].alerts[HighErrorRate].expr: "
         "'job:http_requests_errors:ratio_rate5m' has no label 'route', so this selector matches nothing "
         "(its labels: job)"),
    edit("a job matcher on the node exporter's usual name points at its job here", 'expr: up{job="dashboard"} == 0',
         'expr: up{job="node"} == 0',
         "patronus.yaml:{line}: alert_groups[service-health].alerts[DashboardDown].expr: no scrape job is named "
         "'node', so job=\"node\" matches nothing (did you mean 'node-exporter'? jobs are named after services and "
         "exporters: prometheus, alertmanager, dashboard, node-exporter)"),
    edit("a job regex that matches no job is refused", 'expr: up{job="dashboard"} == 0',
         'expr: up{job=~"web.*"} == 0',
         "patronus.yaml:{line}: alert_groups[service-health].alerts[DashboardDown].expr: job=~\"web.*\" matches "
         "none of this stack's scrape jobs (its jobs: prometheus, alertmanager, dashboard, node-exporter)"),
    edit("a threshold reference missing its s says how to write it",
         "expr: sdwan_path_packet_loss_ratio > {{ thresholds.packet_loss_ratio }}",
         "expr: sdwan_path_packet_loss_ratio > {{ threshold.packet_loss_ratio }}",
         "patronus.yaml:{line}: alert_groups[sdwan].alerts[HighPacketLoss].expr: '{{ threshold.packet_loss_ratio }}' "
         "is not a threshold reference (write {{ thresholds.packet_loss_ratio }})"),
    edit("grouping labels without parentheses get the parentheses in the hint",
         "expr: sum by (job) (rate(http_requests_total[5m]))\n", "expr: sum by job (rate(http_requests_total[5m]))\n",
         "patronus.yaml:{line}: recording_rules[job:http_requests:rate5m].expr: invalid PromQL: invalid promql query "
         "(put the labels in parentheses: by (job))"),
    edit("a histogram's base name in histogram_quantile suggests its _bucket series",
         "(rate(db_query_duration_seconds_bucket[5m])))", "(rate(db_query_duration_seconds[5m])))",
         "patronus.yaml:{line}: recording_rules[job:db_query_duration_seconds:p95_5m].expr: unknown metric "
         "'db_query_duration_seconds' (did you mean 'db_query_duration_seconds_bucket'? a histogram's series are "
         "_bucket, _sum and _count)"),
    # --- Go templates: Prometheus parses alert labels and annotations as templates ---
    edit("an unclosed template action in a summary", "summary: Nobody has used the Patronus dashboard for 30 minutes",
         "summary: Nobody has used {{ the Patronus dashboard for 30 minutes",
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].summary: invalid template: "
         "unclosed template action: '{{' without '}}'"),
    edit("a misspelt template function suggests the right one",
         'summary: "{{ $value | humanizePercentage }} of logins fail"',
         'summary: "{{ $value | humanizePercent }} of logins fail"',
         "patronus.yaml:{line}: alert_groups[authentication].alerts[HighLoginFailureRate].summary: invalid template: "
         "'humanizePercent' is not a template function in '{{ $value | humanizePercent }}' "
         "(did you mean 'humanizePercentage'?)"),
    # --- dashboard variables: each type needs its own keys ---
    edit("a custom dashboard variable without values says how to list them", VARIABLE, "      - name: env\n"
         "        type: custom\n" + VARIABLE, "patronus.yaml:{line}: dashboards[patronus-overview].variables[env]: "
         "a custom variable needs 'values' (list the values offered, e.g. values: [prod, staging])"),
    edit("a custom variable's default must be one of its values", VARIABLE, "      - name: env\n        type: custom\n"
         "        values: [prod, staging]\n        default: prd\n" + VARIABLE,
         "patronus.yaml:{line}: dashboards[patronus-overview].variables[env].default: default 'prd' is not one of the "
         "values (did you mean 'prod'?)", line_offset=3),
    edit("a query on a datasource variable does nothing and is refused", VARIABLE, "      - name: source\n"
         "        type: datasource\n        query: prometheus\n" + VARIABLE, "patronus.yaml:{line}: "
         "dashboards[patronus-overview].variables[source].query: 'query' does nothing in a datasource variable",
         line_offset=2),
    edit("a second datasource variable is refused", VARIABLE, "      - name: source\n        type: datasource\n"
         "      - name: other\n        type: datasource\n" + VARIABLE, "patronus.yaml:{line}: dashboards[patronus-"
         "overview].variables[other].type: a second datasource variable (every panel reads 'source'; remove this one)",
         line_offset=3),
    edit("a variable may not take the name of the data source variable", VARIABLE, "      - name: datasource\n"
         "        type: custom\n        values: [a]\n" + VARIABLE, "patronus.yaml:{line}: dashboards[patronus-"
         "overview].variables[datasource].name: 'datasource' names the data source variable stackgen adds"),
    edit("a data source variable used as a value in PromQL is refused", VARIABLE, "      - name: source\n"
         "        type: datasource\n      - name: node\n        query: label_values(up{job=\"$source\"}, instance)\n"
         + VARIABLE, "patronus.yaml:{line}: dashboards[patronus-overview].variables[node].query: '$source' is the "
         "data source variable: it picks where panels query, not a value in PromQL", line_offset=3),
    edit("a variable type Grafana has but stackgen does not render is refused", VARIABLE, "      - name: step\n"
         "        type: interval\n" + VARIABLE, "patronus.yaml:{line}: dashboards[patronus-overview].variables[step]"
         ".type: 'interval' is not one of: query, custom, datasource", line_offset=1),
    edit("an undefined template variable suggests the right one",
         "summary: Patronus dashboard {{ $labels.instance }} is down",
         "summary: Patronus dashboard {{ $label.instance }} is down",
         "patronus.yaml:{line}: alert_groups[service-health].alerts[DashboardDown].summary: invalid template: "
         "undefined variable $label in '{{ $label.instance }}' (did you mean '$labels'?)"),
    # --- SLOs ---
    edit("a latency selector of blanks is refused, since the bucket query appends le to it",
         """selector: 'job="dashboard", route="/api/login"'""", "selector: ' '",
         "patronus.yaml:{line}: slos[dashboard-login-latency].sli.latency.selector: invalid label matchers: invalid "
         "promql query (write matchers as job=\"api\", route=\"/x\")"),
    # --- routing: unknown receivers are dead ends, a catch-all route shadows the ones after it ---
    edit("a route to an unknown receiver is a dead end", "      receivers: [email-info]\n",
         "      receivers: [email-inf]\n",
         "patronus.yaml:{line}: routing.routes[3].receivers[0]: unknown receiver 'email-inf' "
         "(did you mean 'email-info'?)"),
    edit("an unknown default receiver suggests the declared one", "  receiver: slack-warning\n",
         "  receiver: slack-warn\n",
         "patronus.yaml:{line}: routing.receiver: unknown receiver 'slack-warn' (did you mean 'slack-warning'?)"),
    edit("a route without matchers shadows the routes after it",
         '    - matchers: [severity="warning"]\n      receivers: [slack-warning]\n',
         "    - receivers: [slack-warning]\n",
         "patronus.yaml:{line}: routing.routes[2]: a route without matchers catches every alert and hides the routes "
         "after it"),
    edit("a matcher with a double equals sign is refused", '[severity="info"]\n      receivers',
         '[severity=="info"]\n      receivers',
         "patronus.yaml:{line}: routing.routes[3].matchers[0]: invalid matcher 'severity==\"info\"'"),
    edit("an unbalanced regex in an inhibit matcher is refused before amtool sees it",
         'target_matchers: [alertname=~"HighPacketLoss|HighPathLatency"]',
         'target_matchers: [alertname=~"(HighPacketLoss|HighPathLatency"]',
         "patronus.yaml:{line}: routing.inhibit_rules[2].target_matchers[0]: invalid matcher "
         "'alertname=~\"(HighPacketLoss|HighPathLatency\"': invalid regex: missing ), unterminated subpattern "
         "(check brackets, parentheses and escapes)"),
    edit("a lookahead in a route matcher is refused because RE2 has none", '[severity="info"]\n      receivers',
         '[alertname=~"(?!Watchdog).*"]\n      receivers',
         "patronus.yaml:{line}: routing.routes[3].matchers[0]: invalid matcher 'alertname=~\"(?!Watchdog).*\"': "
         "RE2 (Alertmanager's regex engine) has no lookarounds (rewrite the regex without it, or use a second "
         "matcher with !~)"),
    edit("a matcher value with a stray quote says to escape it", '[severity="info"]\n      receivers',
         '[severity="in"fo"]\n      receivers',
         "patronus.yaml:{line}: routing.routes[3].matchers[0]: invalid matcher 'severity=\"in\"fo\"': the value "
         "holds an unescaped double quote (quote the whole value and write \\\" for a quote inside it)"),
    edit("a literal Slack webhook URL is a secret", "        api_url_file: /etc/alertmanager/secrets/slack_api_url\n"
         '        channel: "#patronus-critical"',
         "        api_url: https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX\n"
         '        channel: "#patronus-critical"',
         "patronus.yaml:{line}: routing.receivers[slack-critical].slack.api_url: 'api_url' holds a secret in the spec"),
    edit("a relative secret file path is refused, since compose mounts the secret at that exact path",
         "        auth_password_file: /etc/alertmanager/secrets/smtp_password\n",
         "        auth_password_file: secrets/smtp_password\n",
         "patronus.yaml:{line}: routing.receivers[email-info].email.auth_password_file: 'auth_password_file' must be "
         "an absolute path, got 'secrets/smtp_password' (the compose stack mounts secrets/<name> at exactly this path"),
    # --- Alertmanager time intervals, checked as Alertmanager reads them ---
    edit("a route muted by an unknown time interval suggests the declared one",
         '      repeat_interval: 24h\n', '      repeat_interval: 24h\n      mute_time_intervals: [weeknight]\n'
         '  time_intervals:\n    - name: weeknights\n      time_intervals: [{weekdays: [saturday]}]\n',
         "patronus.yaml:{line}: routing.routes[3].mute_time_intervals[0]: unknown time interval 'weeknight' "
         "(did you mean 'weeknights'?)", line_offset=1),
    edit("a time range across midnight says to split it", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: nights\n      time_intervals:\n'
         '        - times: [{start_time: "22:00", end_time: "06:00"}]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[nights].time_intervals[0].times[0]: the time range "
         "22:00-06:00 ends before it starts (a range cannot cross midnight: split it into two", line_offset=3),
    edit("a time of day past 24:00 is refused", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: nights\n      time_intervals:\n'
         '        - times: [{start_time: "22:00", end_time: "25:00"}]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[nights].time_intervals[0].times[0].end_time: '25:00' is not "
         "a time of day (write HH:MM from 00:00 to 24:00", line_offset=3),
    edit("a misspelt weekday suggests the right one", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: weekend\n      time_intervals:\n'
         '        - weekdays: [saturday, sundya]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[weekend].time_intervals[0].weekdays[1]: unknown weekday "
         "'sundya' (did you mean 'sunday'?)", line_offset=3),
    edit("a capitalised weekday is refused because Alertmanager reads lowercase names", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: weekdays\n      time_intervals:\n'
         '        - weekdays: ["Monday:friday"]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[weekdays].time_intervals[0].weekdays[0]: weekday 'Monday' "
         "must be lowercase (write 'monday')", line_offset=3),
    edit("a weekday range written high to low is refused", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: weekdays\n      time_intervals:\n'
         '        - weekdays: ["friday:monday"]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[weekdays].time_intervals[0].weekdays[0]: the range "
         "'friday:monday' ends before it starts (write weekday ranges low:high)", line_offset=3),
    edit("day 0 of a month is refused", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: payday\n      time_intervals:\n'
         '        - days_of_month: ["0:5"]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[payday].time_intervals[0].days_of_month[0]: '0' is not a "
         "day of the month (write a whole number from -31 to 31, not 0)", line_offset=3),
    edit("a misspelt month suggests the right one", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: summer\n      time_intervals:\n'
         '        - months: ["jully:august"]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[summer].time_intervals[0].months[0]: unknown month 'jully' "
         "(did you mean 'july'?)", line_offset=3),
    edit("an unknown time zone suggests the right one", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: office\n      time_intervals:\n'
         '        - location: Europe/Berln\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[office].time_intervals[0].location: unknown time zone "
         "'Europe/Berln' (did you mean 'Europe/Berlin'?)", line_offset=3),
    edit("a time interval declared twice", "  inhibit_rules:\n",
         '  time_intervals:\n    - name: office\n      time_intervals: [{weekdays: [monday]}]\n'
         '    - name: office\n      time_intervals: [{weekdays: [friday]}]\n  inhibit_rules:\n',
         "patronus.yaml:{line}: routing.time_intervals[office].name: duplicate time interval 'office'", line_offset=3),
    # --- duplicate names ---
    edit("a metric declared twice", "  - name: sdwan_paths_active\n",
         "  - name: sdwan_paths\n    type: gauge\n    help: Again.\n  - name: sdwan_paths_active\n",
         "patronus.yaml:{line}: metrics[sdwan_paths].name: duplicate metric 'sdwan_paths' (first defined on line"),
    edit("an alert with the same name and labels twice", "      - name: HighPolicyCount\n",
         "      - name: HighSiteCount\n",
         "patronus.yaml:{line}: alert_groups[capacity].alerts[HighSiteCount].name: duplicate alert (name and labels) "
         "'HighSiteCount{service=\"dashboard\",severity=\"info\"}'"),
    edit("two alert groups with one name", "  - name: capacity\n", "  - name: database\n",
         "patronus.yaml:{line}: alert_groups[database].name: duplicate alert group 'database'"),
    edit("two receivers with one name", "    - name: incident-webhook\n",
         '    - name: email-info\n      webhook: {url: "http://hooks.internal/alerts"}\n'
         "    - name: incident-webhook\n",
         "patronus.yaml:{line}: routing.receivers[email-info].name: duplicate receiver 'email-info'"),
    # --- durations and units ---
    edit("a duration in words is refused", "        for: 30m\n", "        for: 30 minutes\n",
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].for: '30 minutes' is not valid "
         "here: expected Prometheus duration, e.g. 30s, 5m, 1h30m"),
    edit("a duration longer than Prometheus can hold is refused before promtool says only 'out of range'",
         "        for: 30m\n", "        for: 293y\n",
         "patronus.yaml:{line}: alert_groups[authentication].alerts[NoActiveUsers].for: '293y' is longer than "
         "Prometheus can hold (292 years)"),
    edit("a duration without a unit is refused with an example", "  scrape_interval: 10s\n",
         "  scrape_interval: 10\n",
         "patronus.yaml:{line}: settings.scrape_interval: expected a string, got 10 (Prometheus duration, e.g. 30s"),
    edit("a retention size in GiB is refused with the units allowed", "    size: 50GB\n", "    size: 50GiB\n",
         "patronus.yaml:{line}: settings.retention.size: '50GiB' is not valid here: expected a size with a unit B, KB"),
    edit("histogram buckets out of order", "buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]",
         "buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 0.25, 1, 2.5, 5, 10]",
         "patronus.yaml:{line}: metrics[http_request_duration_seconds].buckets: buckets must be strictly increasing"),
    edit("buckets on a gauge", "    help: Seconds since the service started.\n",
         "    help: Seconds since the service started.\n    buckets: [1, 2]\n",
         "patronus.yaml:{line}: metrics[app_uptime_seconds].buckets: buckets are only for histograms", line_offset=1),
    # --- remote write and replicas: what Prometheus or the receiving end would refuse or lose ---
    edit("a remote-write URL on another backend's path says which path it takes", "    system: patronus\n",
         "    system: patronus\n  remote_write:\n    - {name: lts, backend: mimir, url: 'https://mimir.example.com/api/v1/write'}\n",
         "patronus.yaml:{line}: settings.remote_write[lts].url: a mimir endpoint takes samples on /api/v1/push, not "
         "on '/api/v1/write' (end the URL with /api/v1/push, e.g. https://mimir.example.com/api/v1/push)", line_offset=2),
    edit("an unknown remote-write backend lists the ones stackgen knows", "    system: patronus\n",
         "    system: patronus\n  remote_write:\n    - {name: lts, backend: prometheus, url: 'https://p.example.com/api/v1/write'}\n",
         "patronus.yaml:{line}: settings.remote_write[lts].backend: 'prometheus' is not one of: thanos, mimir, cortex, "
         "victoriametrics", line_offset=2),
    edit("a literal remote-write password is refused in favour of a file", "    system: patronus\n",
         "    system: patronus\n  remote_write:\n    - name: lts\n      backend: thanos\n"
         "      url: https://thanos.example.com/api/v1/receive\n      basic_auth: {username: a, password: hunter2}\n",
         "patronus.yaml:{line}: settings.remote_write[lts].basic_auth.password: unknown key 'password' "
         "(did you mean 'password_file'?)", line_offset=5),
    edit("a VictoriaMetrics tenant belongs in the URL", "    system: patronus\n",
         "    system: patronus\n  remote_write:\n    - name: vm\n      backend: victoriametrics\n"
         "      url: http://vminsert:8480/insert/0/prometheus/api/v1/write\n      tenant: team-a\n",
         "patronus.yaml:{line}: settings.remote_write[vm].tenant: VictoriaMetrics reads the tenant from the URL, not "
         "from a header (remove 'tenant' and write the URL as", line_offset=5),
    edit("a replace step without a target label", "    system: patronus\n",
         "    system: patronus\n  remote_write:\n    - name: lts\n      backend: thanos\n"
         "      url: https://thanos.example.com/api/v1/receive\n"
         "      write_relabel_configs: [{source_labels: [job], regex: api}]\n",
         "patronus.yaml:{line}: settings.remote_write[lts].write_relabel_configs[0]: a replace step needs "
         "'target_label' (name the label it writes, or use action: labeldrop)", line_offset=5),
    edit("a relabel regex with lookahead, which RE2 lacks", "    system: patronus\n",
         "    system: patronus\n  remote_write:\n    - name: lts\n      backend: thanos\n"
         "      url: https://thanos.example.com/api/v1/receive\n"
         "      write_relabel_configs: [{action: drop, source_labels: [__name__], regex: 'go_(?!gc).*'}]\n",
         "patronus.yaml:{line}: settings.remote_write[lts].write_relabel_configs[0].regex: 'go_(?!gc).*' uses "
         "lookaround or a backreference, which Prometheus' RE2 does not support", line_offset=5),
    edit("the replica label cannot also be a fixed external label", "    system: patronus\n",
         "    system: patronus\n    prometheus_replica: a\n  replicas: 2\n",
         "patronus.yaml:{line}: settings.external_labels.prometheus_replica: 'prometheus_replica' is the replica "
         "label, which each replica sets to its own name", line_offset=1),
    edit("no replicas at all is below the minimum", "    system: patronus\n",
         "    system: patronus\n  replicas: 0\n",
         "patronus.yaml:{line}: settings.replicas: 0 is below the minimum of 1", line_offset=1),
    # --- where the stack is published ---
    edit("a host name as the bind address is refused", "apiVersion: stackgen/v1\n",
         "apiVersion: stackgen/v1\nstack:\n  bind_address: monitoring.local\n",
         "patronus.yaml:{line}: stack.bind_address: 'monitoring.local' is not an IP address", line_offset=2),
    edit("every interface without an acknowledgement is refused", "apiVersion: stackgen/v1\n",
         "apiVersion: stackgen/v1\nstack:\n  bind_address: 0.0.0.0\n",
         "patronus.yaml:{line}: stack.bind_address: 0.0.0.0 publishes the stack on every interface, and its "
         "Alertmanager and Prometheus with it: their password travels over plain HTTP", line_offset=2),
    edit("every interface without web auth says anyone can silence alerts", "apiVersion: stackgen/v1\n",
         "apiVersion: stackgen/v1\nstack:\n  web_auth: false\n  bind_address: 0.0.0.0\n",
         "patronus.yaml:{line}: stack.bind_address: 0.0.0.0 publishes the stack on every interface, and its "
         "Alertmanager and Prometheus with it: they have no authentication: anyone who reaches them can silence "
         "alerts", line_offset=3),
    # --- alert test cases whose expected alert cannot be derived ---
    edit("an annotation that queries Prometheus needs its expected text in the firing case",
         '        summary: "SD-WAN path {{ $labels.path }} at site {{ $labels.site }} is down"\n',
         '        summary: "SD-WAN path {{ $labels.path }} at site {{ $labels.site }} is down"\n'
         "        annotations:\n          peers: '{{ (query \"up\") | first | value }} peers up'\n",
         "patronus.yaml:{line}: alert_groups[sdwan].alerts[PathDown].tests[a path that answers no probes for a "
         "minute pages, and only that path]: the expected 'peers' cannot be derived: 'query' reads Prometheus' "
         "data (write the text it renders to under the case's 'annotations: {peers: ...}')", line_offset=11),
]


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory):
    """A good earlier output folder; no bad spec may change it."""
    from typer.testing import CliRunner

    from stackgen.cli.app import app

    out = tmp_path_factory.mktemp("out") / "generated"
    result = CliRunner().invoke(app, ["generate", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


def test_the_corpus_is_large_and_its_names_are_unique():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_spec_is_refused_with_one_located_message(case, cli, tmp_path, previous_output):
    data, line = case.spec_text()
    spec = tmp_path / (case.file or "patronus.yaml")
    spec.write_bytes(data)
    expected = case.expected.replace("{line}", str(line))
    before = snapshot(previous_output)
    for command in (["validate", spec], ["generate", spec, "--out", previous_output]):
        result = cli(*command)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert result.stdout == ""
        assert result.stderr.count("\n") == 1, result.stderr
        assert expected in result.stderr
    assert snapshot(previous_output) == before


def test_a_spec_over_the_size_limit_is_refused_before_parsing(cli, tmp_path):
    spec = tmp_path / "huge.yaml"
    spec.write_bytes(PATRONUS.encode() + b"#" * (5 * 1024 * 1024) + b"\n")
    result = cli("validate", spec)
    assert result.exit_code == 2
    assert f"huge.yaml: file is {spec.stat().st_size} bytes, over the 5242880-byte limit" in result.stderr


def test_a_missing_spec_file_says_how_to_start_one(cli, tmp_path):
    result = cli("validate", tmp_path / "nothing.yaml")
    assert result.exit_code == 2
    assert "nothing.yaml: no such file (check the path, or run `stackgen init`)" in result.stderr


@pytest.mark.slow
def test_values_written_out_do_not_count_against_the_alias_budget(cli, tmp_path):
    """A large honest spec is bounded by the file size limit, not by the alias budget."""
    spec = tmp_path / "long.yaml"
    spec.write_text("apiVersion: stackgen/v1\nfiller: [" + ", ".join(["1"] * 120_000) + "]\n")
    result = cli("validate", spec)
    assert result.exit_code == 2
    assert "long.yaml:2: filler: unknown key 'filler'" in result.stderr
    assert "aliases expand" not in result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", ["alias_bomb.yaml", "deep_flow_nesting.yaml", "not_utf8.yaml"])
def test_the_installed_command_exits_2_without_a_traceback(name, tmp_path):
    """The same through the real entry point, as CI runs it (CliRunner skips the process boundary)."""
    stackgen = Path(sys.executable).with_name("stackgen")
    for command in (["validate"], ["generate", "--out", str(tmp_path / "out")]):
        result = subprocess.run([str(stackgen), *command, str(BAD / name)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and f"{name}:" in result.stderr
    assert not (tmp_path / "out").exists()


MUTATIONS = st.sampled_from(["delete", "duplicate", "insert", "truncate"])
NOISE = st.text(alphabet=":-[]{}#&*!|>'\"\t %@`,?\\\n0aZ_.$", min_size=1, max_size=4)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          phases=(Phase.explicit, Phase.generate))
@pytest.mark.slow
@given(MUTATIONS, st.integers(min_value=0), st.integers(min_value=0), NOISE)
def test_any_small_edit_of_the_default_spec_loads_or_is_refused_and_never_crashes(mutation, row, column, noise):
    """Random damage to a real spec: the loader either accepts it or raises SpecError; nothing else escapes."""
    lines = PATRONUS.splitlines(keepends=True)
    row %= len(lines)
    if mutation == "delete":
        del lines[row]
    elif mutation == "duplicate":
        lines.insert(row, lines[row])
    elif mutation == "insert":
        column %= len(lines[row])
        lines[row] = lines[row][:column] + noise + lines[row][column:]
    else:
        lines = lines[:row]
    try:
        check_source(parse_yaml("".join(lines).encode(), "spec.yaml"))
    except SpecError as exc:
        assert exc.issues and all(issue.file == "spec.yaml" for issue in exc.issues)


def test_every_interface_is_accepted_when_the_spec_acknowledges_it():
    text = PATRONUS.replace("apiVersion: stackgen/v1\n", "apiVersion: stackgen/v1\nstack:\n  bind_address: '::'\n"
                            "  accept_unauthenticated_exposure: true\n")
    spec = check_source(parse_yaml(text.encode(), "patronus.yaml"))
    assert spec.stack.bind_address == "::"



def deeply_nested(levels: int) -> str:
    return "apiVersion: stackgen/v1\nsystem: " + "[" * levels + "]" * levels + "\n"


CAPPED = "system: invalid YAML: exceeded maximum nesting depth (a spec never needs this depth; check the brackets)"
REFUSED = "system" + "[0]" * 64 + ": nesting is deeper than 64 levels (a spec never needs this depth; check the " \
    "indentation and brackets)"


@pytest.mark.parametrize(("case", "loader", "expected"), [
    ("libyaml 0.2.5 or later stops it at its own cap of 1000 levels", "CSafeLoader", CAPPED),
    ("the pure-Python parser, which nests on the call stack, refuses it at the 65th level", "SafeLoader", REFUSED),
])
def test_nesting_10000_deep_is_refused_at_its_line_whatever_parses_the_yaml(case, loader, expected, cli, tmp_path,
                                                                            monkeypatch):
    import yaml

    from stackgen.spec import yamlsource

    monkeypatch.setattr(yamlsource, "LOADER", getattr(yaml, loader))
    spec = tmp_path / "deep.yaml"
    spec.write_text(deeply_nested(10_000))
    result = cli("validate", spec)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"{spec}:2: {expected}\n")


def test_a_libyaml_without_a_nesting_cap_never_composes_a_spec_nested_too_deep(cli, tmp_path, monkeypatch):
    """libyaml before 0.2.5 composes as deep as the text goes, on the C stack: the spec is refused first."""
    import yaml
    from yaml import _yaml

    def compose(*args, **kwargs):
        raise AssertionError("composed a spec nested deeper than the limit")

    monkeypatch.setattr(_yaml, "get_version", lambda: (0, 2, 2))
    monkeypatch.setattr(yaml, "compose", compose)
    spec = tmp_path / "deep.yaml"
    spec.write_text(deeply_nested(500))  # under the cap of the libyaml installed here, which would stop it first
    result = cli("validate", spec)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"{spec}:2: {REFUSED}\n")


ODD_NAMES = [
    ("a spec file without a suffix is read as a spec", "spec"),
    ("a spec file named only .yaml is read as a spec", ".yaml"),
    ("a hidden file beside .yaml is a spec of its own, not an environment of it", ".hidden.yaml"),
]


@pytest.mark.parametrize("name", [n for _, n in ODD_NAMES], ids=[i for i, _ in ODD_NAMES])
def test_a_spec_file_of_any_name_is_read_without_a_traceback(name, cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".yaml").write_text("")
    Path(name).write_text("")
    result = cli("validate", name)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"{name}:1: the spec is empty (start from `stackgen init`)\n"


def test_a_device_that_never_ends_is_read_only_up_to_the_size_limit(cli):
    result = cli("validate", "/dev/zero")
    assert result.exit_code == 2, result.output
    assert result.stderr == ("/dev/zero: file is 5242881 bytes, over the 5242880-byte limit (split the spec or remove "
                             "generated content)\n")
