"""The Go template check agrees with promtool: every template of a corpus gets the same verdict from both."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from conftest import require_tool

from stackgen.spec.gotemplate import TemplateError, check_template

# Valid for Prometheus (promtool parses them), including the ones an older checker refused.
ACCEPTED = [
    "{{ $labels.instance }} is down", "{{ $value | humanizePercentage }} of requests fail", "a }} b",
    "{{ if gt $value 1.0 }}big{{ else if lt $value 0.5 }}small{{ else }}mid{{ end }}", "{{- $labels.path -}}",
    "{{/* a comment */}}text", '{{ printf "%.2f" $value }}', '{{ "}}" }}', "{{ $x := 1 }}{{ $x }}",
    "{{ with $labels.site }}site {{ . }}{{ end }}", '{{ humanize (index $labels "x") }}', "{{ .Labels.instance }}",
    "{{ `{{` }} is how to write a literal", "{{ $externalURL }}/alerts", "{{ toUpper $labels.severity }}",
    "{{ range $labels }}{{ . }}{{ end }}", "plain text, no template: $value { } {", "{{ 1e3 }} {{ -2 }} {{ true }}",
    "{{ $value | toTime }}", "{{ $labels.instance | stripDomain }}", '{{ (query "up") | first | value }}',
    '{{ range $i, $v := query "up" }}{{ $i }}{{ $v }}{{ end }}', '{{ label "instance" (query "up" | first) }}',
    "{{ range $labels }}{{ break }}{{ end }}", "{{ range $labels }}{{ continue }}{{ end }}",
    '{{ define "x" }}a{{ end }}{{ template "x" }}', '{{ template "x" . }}', '{{ block "b" . }}text{{ end }}',
    "{{ $value | humanize1024 }}", "{{ $value | humanizeTimestamp }}", "{{ $value | humanizeDuration }}",
    '{{ reReplaceAll "(.*):.*" "$1" $labels.instance }}', '{{ match "^a" $labels.x }}', "{{ title $labels.x }}",
    "{{ $labels.instance | stripPort }}", '{{ parseDuration "1h" }}', "{{ externalURL }}{{ pathPrefix }}",
    "{{ $externalLabels.cluster }}", "{{ 0x1F }} {{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ 017 }} {{ 1.5e-3 }}",
    "{{ 'a' }} {{ '\\n' }}", '{{ "tab\\there" }}', "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "{{ 1 | printf \"%d\" }}",
    "{{ if and (gt $value 1.0) (lt $value 5.0) }}mid{{ end }}", "{{ with $x := $labels.a }}{{ $x }}{{ end }}",
    "{{ range $i, $v := $labels }}{{ $i }}={{ $v }}{{ end }}", "{{ $labels.a | len }}", '{{ index $labels "a" }}',
    "{{ .Value }}", "{{ . }}", "{{ $ }}", "{{- /* trimmed comment */ -}}", "line one\n{{ $labels.a }}\nline two",
    "{{ if\n  true }}multi-line action{{ end }}", "{{ 1 | }}", "{{ 1i }}", "{{ not true }}", "{{ html \"<b>\" }}",
]
# (text, what the message says). Each is also refused by promtool, checked below.
REFUSED = [
    ("{{", "unclosed template action: '{{' without '}}'"), ("{{ }}", "missing value for command"),
    ("{{ bogus }}", "'bogus' is not a template function in '{{ bogus }}'"), ("{{ $x }}", "undefined variable $x in '{{ $x }}'"),
    ("{{ if }}", "missing value for if"), ("{{ end }}", "unexpected {{end}}"), ("{{ if true }}x", "unexpected EOF"),
    ('{{ "abc }}', "unterminated quoted string"), ("{{ 1 | 2 }}", "non executable command in pipeline stage 2"),
    ("{{ ( }}", "unclosed left paren"), ("{{{ x }}", 'unexpected "{" in command'),
    ("{{ else }}", "unexpected {{else}}"), ("{{ 1.2.3 }}", 'unexpected ".3" in operand'),
    ("{{ $x := 1 }}{{ if true }}{{ $y := 2 }}{{ end }}{{ $y }}", "undefined variable $y in '{{ $y }}'"),
    ("{{/* unclosed }}", "unclosed comment"), ("{{ 08 }}", "integer overflow: '08'"),
    ("{{ if true }}a{{ else }}b{{ else }}c{{ end }}", "expected end; found {{else}}"),
    ("{{ break }}", "{{break}} outside {{range}}"), ("{{ continue }}", "{{continue}} outside {{range}}"),
    ("{{ range $labels }}{{ else }}{{ break }}{{ end }}", "{{break}} outside {{range}}"),
    ("{{ else with 1 }}", "unexpected <with> in else"), ('{{ "\\q" }}', "invalid syntax"),
    ("{{ 'ab' }}", "malformed character constant"), ("{{ 1x }}", "bad number syntax"),
    ('{{ define "x" }}{{ $labels.a }}{{ end }}', "undefined variable $labels"),
    ("{{ $labels.a := 1 }}", "unexpected"), ("{{ 99999999999999999999 }}", "integer overflow"),
    ("{{ .a b }}", "'b' is not a template function"), ("{{ a.b }}", "'a' is not a template function"), ("{{ % }}", "unexpected"),
    ("{{ 1 = 2 }}", "unexpected"), ("{{ $x, $y := 1 }}", "too many declarations in command"),
    ('{{ template x }}', "unexpected"), ("{{ with 1 }}a{{ else if 2 }}b{{ end }}", "unexpected <if> in input"),
    ("{{ )( }}", "unexpected right paren"), ("{{ 1e }}", "illegal number syntax"), ("{{ 0x }}", "illegal number"),
    ("{{ $ x := 1 }}", "'x' is not a template function"),
    ('{{ define "y" }}a{{ end }}{{ define "y" }}b{{ end }}', "multiple definition"),
    ("{{ - 1 }}", "illegal number syntax"),
]
# Refused although Go parses them: expanding them can only fail (Prometheus would send the error as the text).
REFUSED_STRICTER = [("{{ $value humanize }}", "only a function takes arguments"),
                    ("{{ $labels.a $labels.b }}", "only a function takes arguments"),
                    ("{{ nil }}", "nil is not a command")]


@pytest.mark.parametrize("text", ACCEPTED)
def test_a_valid_template_is_accepted(text):
    check_template(text)


@pytest.mark.parametrize("text,message", REFUSED + REFUSED_STRICTER)
def test_an_invalid_template_is_refused_with_a_reason(text, message):
    with pytest.raises(TemplateError) as error:
        check_template(text)
    assert message in str(error.value)


def _promtool_verdicts(tmp_path, templates: list[str]) -> list[bool]:
    """One promtool run over one rule per template; True where promtool accepts that rule's annotation."""
    rules = {"groups": [{"name": "g", "rules": [{"alert": f"A{i}", "expr": "up == 0", "annotations": {"summary": text}}
                                                for i, text in enumerate(templates)]}]}
    path = tmp_path / "corpus.yml"
    path.write_text(yaml.safe_dump(rules))
    result = subprocess.run([require_tool("promtool"), "check", "rules", str(path)], capture_output=True, text=True,
                            timeout=60)
    output = result.stdout + result.stderr
    refused = {int(n) for n in re.findall(r'rule \d+, "A(\d+)": annotation', output)}
    assert (result.returncode == 0) == (not refused), output
    return [i not in refused for i in range(len(templates))]


def _checker_verdict(text: str) -> bool:
    try:
        check_template(text)
    except TemplateError:
        return False
    return True


def test_the_checker_and_promtool_give_every_template_of_the_corpus_the_same_verdict(tmp_path):
    corpus = ACCEPTED + [t for t, _ in REFUSED]
    assert len(corpus) >= 60
    promtool = _promtool_verdicts(tmp_path, corpus)
    disagree = [(t, p) for t, p in zip(corpus, promtool) if _checker_verdict(t) != p]
    assert not disagree, f"promtool's verdict differs (text, promtool accepts): {disagree}"
    assert promtool == [True] * len(ACCEPTED) + [False] * len(REFUSED)


def test_promtool_parses_the_templates_the_check_refuses_as_bound_to_fail(tmp_path):
    assert all(_promtool_verdicts(tmp_path, [t for t, _ in REFUSED_STRICTER]))
