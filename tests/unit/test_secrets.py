"""Secrets policy: a spec with a literal secret is refused with a hint, and no rendered file holds one."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, SPECS

from stackgen.pipeline import render_stack
from stackgen.spec.loader import load_spec
from stackgen.spec.secrets import value_secret
from stackgen.targets.registry import TARGETS

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
SLACK_HOOK = "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/cccccccccccccccccccccccc"
FILE_HINT = "keep them in a file the receiver reads (the *_file fields)"

# (id, text of the default spec, its replacement, expected message)
REFUSED = [
    ("a literal PagerDuty routing key",
     "        routing_key_file: /etc/alertmanager/secrets/pagerduty_routing_key\n",
     "        routing_key: 0123456789abcdef0123456789abcdef\n",
     "routing.receivers[pagerduty].pagerduty.routing_key: 'routing_key' holds a secret in the spec "
     "(write the value to a file and set 'routing_key_file: /path/to/file' instead)"),
    ("a literal SMTP password",
     "        auth_password_file: /etc/alertmanager/secrets/smtp_password\n",
     "        auth_password: hunter2\n",
     "routing.receivers[email-info].email.auth_password: 'auth_password' holds a secret in the spec "
     "(write the value to a file and set 'auth_password_file: /path/to/file' instead)"),
    ("a smarthost with a login in it", "        smarthost: smtp.example.com:587\n",
     "        smarthost: alertmanager:hunter2@smtp.example.com:587\n",
     "routing.receivers[email-info].email.smarthost: the smarthost carries credentials (write host:port"),
    ("a webhook URL with a token parameter", "        url: https://incidents.example.com/hooks/alertmanager\n",
     "        url: https://incidents.example.com/hooks/alertmanager?token=abc123\n",
     "routing.receivers[incident-webhook].webhook.url: webhook URL carries the query parameter 'token'"),
    ("a webhook URL with a password", "        url: https://incidents.example.com/hooks/alertmanager\n",
     "        url: https://am:hunter2@incidents.example.com/hooks/alertmanager\n",
     "routing.receivers[incident-webhook].webhook.url: webhook URL carries a password in the URL"),
    ("a Slack hook URL in an alert description", "Operators cannot\n",
     f"Operators ({SLACK_HOOK}) cannot\n",
     f"alert_groups[service-health].alerts[DashboardDown].description: the value holds a Slack webhook URL "
     f"(secrets never go in the spec, which lands in git: {FILE_HINT})"),
    ("a password-like label on an alert", "        summary: Patronus dashboard {{ $labels.instance }} is down\n",
     "        summary: Patronus dashboard {{ $labels.instance }} is down\n        labels: {db_password: hunter2}\n",
     "alert_groups[service-health].alerts[DashboardDown].labels.db_password: 'db_password' holds a literal secret"),
    ("an API key as a service label", "    labels:\n      team: netops\n",
     "    labels:\n      team: netops\n      api_key: sk-live-0000\n",
     "services[dashboard].labels.api_key: 'api_key' holds a literal secret"),
    ("a bearer token in a runbook step", "Restart the service if it is wedged]",
     "Restart the service if it is wedged, 'curl -H \"Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abcdef\"']",
     "alert_groups[service-health].alerts[DashboardDown].runbook.steps[3]: the value holds a bearer token"),
    ("a private key in a description", "    description: Web UI and API of the SD-WAN controller.\n",
     "    description: \"-----BEGIN RSA PRIVATE KEY-----\"\n",
     "services[dashboard].description: the value holds a private key"),
]


@pytest.mark.parametrize("old,new,expected", [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_a_literal_secret_is_refused_with_a_hint(cli, tmp_path, old, new, expected):
    assert PATRONUS.count(old) == 1
    spec = tmp_path / "spec.yaml"
    spec.write_text(PATRONUS.replace(old, new))
    result = cli("validate", spec)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert expected in result.stderr


def test_keys_that_only_mention_a_secret_are_not_refused(cli, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(PATRONUS.replace("    labels:\n      team: netops\n",
                                     "    labels:\n      team: netops\n      token_type: refresh\n"))
    result = cli("validate", spec)
    assert result.exit_code == 0, result.output


# What a secret looks like in a rendered file. `*_file` keys hold paths, `${VAR}` values read the environment
# and Grafana's `$__file{path}` a file, which is how secrets are given.
LITERAL_SECRET_KEY = re.compile(r"""^\s*(-\s+)?"?[A-Za-z_]*"""
                                r"""(password|passwd|secret|token|api_key|routing_key|service_key|api_url)"""
                                r""""?[ \t]*:[ \t]*"?(?!\$\{|\$__file\{)\S""", re.M | re.I)
PAGERDUTY_KEY = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")


def secrets_in(text: str) -> list[str]:
    found = [m.group(0).strip() for m in LITERAL_SECRET_KEY.finditer(text)]
    found += [f"PagerDuty-like key {m.group(0)}" for m in PAGERDUTY_KEY.finditer(text)]
    found += [what for line in text.splitlines() if (what := value_secret(line))]
    return found


SAMPLES = [
    ("a Slack hook URL", f"    api_url: {SLACK_HOOK}"),
    ("a literal password in YAML", "      auth_password: hunter2"),
    ("a literal password in JSON", '  "password": "hunter2",'),
    ("a literal password in an environment variable", "      GF_SECURITY_ADMIN_PASSWORD: hunter2"),
    ("a PagerDuty routing key", "    routing_key: 0123456789abcdef0123456789abcdef"),
    ("a bare PagerDuty key", "key=0123456789abcdef0123456789abcdef"),
    ("a bearer token", "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9abcdef"),
    ("a private key", "-----BEGIN OPENSSH PRIVATE KEY-----"),
    ("a password in a URL", "url: https://am:hunter2@example.com/hook"),
]


@pytest.mark.parametrize("text", [s[1] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_the_output_scanner_finds_each_kind_of_secret(text):
    assert secrets_in(text)


def test_the_output_scanner_accepts_secrets_given_as_files_or_environment():
    assert secrets_in("        api_url_file: /etc/alertmanager/secrets/slack_api_url\n"
                      "        auth_password_file: /etc/alertmanager/secrets/smtp_password\n"
                      "      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:?set it}\n"
                      "      basicAuthPassword: $__file{/run/secrets/web_password}\n") == []


CASES = [(spec, target) for spec in SPECS for target in sorted(TARGETS)]


@pytest.mark.parametrize("spec,target", CASES, ids=[f"{s.stem}-{t}" for s, t in CASES])
def test_no_rendered_file_of_any_spec_holds_a_secret(spec, target):
    artifacts = render_stack(load_spec(spec), TARGETS[target])
    files = {**artifacts.files, **artifacts.root_files}
    assert len(files) >= 4
    leaks = {name: found for name, data in files.items() if (found := secrets_in(data.decode("utf-8")))}
    assert leaks == {}
