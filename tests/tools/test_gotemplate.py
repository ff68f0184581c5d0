"""The Go template check agrees with promtool: what it accepts promtool accepts, what Go refuses it refuses."""

from __future__ import annotations

import subprocess

import pytest
import yaml
from conftest import require_tool

from stackgen.spec.gotemplate import TemplateError, check_template

ACCEPTED = [
    "{{ $labels.instance }} is down", "{{ $value | humanizePercentage }} of requests fail", "a }} b",
    "{{ if gt $value 1.0 }}big{{ else if lt $value 0.5 }}small{{ else }}mid{{ end }}", "{{- $labels.path -}}",
    "{{/* a comment */}}text", '{{ printf "%.2f" $value }}', '{{ "}}" }}', "{{ $x := 1 }}{{ $x }}",
    "{{ with $labels.site }}site {{ . }}{{ end }}", '{{ humanize (index $labels "x") }}', "{{ .Labels.instance }}",
    "{{ `{{` }} is how to write a literal", "{{ $externalURL }}/alerts", "{{ toUpper $labels.severity }}",
    "{{ range $labels }}{{ . }}{{ end }}", "plain text, no template: $value { } {", "{{ 1e3 }} {{ -2 }} {{ true }}",
]
# (text, what the message says). Each is also refused by promtool, checked below.
REFUSED = [
    ("{{", "unclosed template action"), ("{{ }}", "empty template action"),
    ("{{ bogus }}", "'bogus' is not a template function"), ("{{ $x }}", "undefined variable $x"),
    ("{{ if }}", "missing value"), ("{{ end }}", "without an open if"), ("{{ if true }}x", "never closed"),
    ('{{ "abc }}', "unexpected '\"'"), ("{{ 1 | 2 }}", "after a pipe"),
    ("{{ ( }}", "unclosed '('"), ("{{{ x }}", "unexpected '{'"),
    ("{{ else }}", "outside an if"), ("{{ 1.2.3 }}", "unexpected '1'"), ("{{ $x := 1 }}{{ if true }}{{ $y := 2 }}"
                                                                        "{{ end }}{{ $y }}", "undefined variable $y"),
    ("{{/* unclosed }}", "unclosed template comment"),
]
# Refused although Go parses them: they fail (or print nothing useful) when Prometheus expands them.
REFUSED_STRICTER = [("{{ $value humanize }}", "only a function takes arguments"),
                    ("{{ $labels.a $labels.b }}", "only a function takes arguments"),
                    ("{{ $value | }}", "missing value"), ("{{ nil }}", "'nil' is not a template function")]


@pytest.mark.parametrize("text", ACCEPTED)
def test_a_valid_template_is_accepted(text):
    check_template(text)


@pytest.mark.parametrize("text,message", REFUSED + REFUSED_STRICTER)
def test_an_invalid_template_is_refused_with_a_reason(text, message):
    with pytest.raises(TemplateError) as error:
        check_template(text)
    assert message in str(error.value)


def _promtool_check(tmp_path, name: str, annotations: list[str]) -> subprocess.CompletedProcess:
    rules = {"groups": [{"name": "g", "rules": [{"alert": f"A{i}", "expr": "up == 0", "annotations": {"summary": text}}
                                                for i, text in enumerate(annotations)]}]}
    path = tmp_path / f"{name}.yml"
    path.write_text(yaml.safe_dump(rules))
    return subprocess.run([require_tool("promtool"), "check", "rules", str(path)], capture_output=True, text=True,
                          timeout=60)


def test_promtool_accepts_every_template_the_check_accepts(tmp_path):
    result = _promtool_check(tmp_path, "accepted", ACCEPTED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("text", [t for t, _ in REFUSED])
def test_promtool_refuses_every_template_the_check_refuses(tmp_path, text):
    result = _promtool_check(tmp_path, "refused", [text])
    assert result.returncode != 0, result.stdout
    assert "template" in (result.stdout + result.stderr).lower()
