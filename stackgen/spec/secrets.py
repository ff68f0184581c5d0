"""Secrets policy: receiver credentials are read from files, never written in a spec."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# Literal secret field -> the file-based field Alertmanager 0.25 reads instead.
LITERAL_SECRETS = {
    "slack": {"api_url": "api_url_file"},
    "pagerduty": {"routing_key": "routing_key_file"},
    "email": {"auth_password": "auth_password_file"},
}
SECRET_PARAM = re.compile(r"(token|key|secret|password|passwd|signature|sig|auth)", re.I)


def url_secret(url: str) -> str | None:
    """Why a URL looks like it carries a credential, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.password:
        return "a password in the URL"
    for name in parse_qs(parts.query):
        if SECRET_PARAM.search(name):
            return f"the query parameter '{name}'"
    if re.search(r"/(services|hooks)/[A-Za-z0-9/_-]{20,}", parts.path) or re.search(r"[A-Za-z0-9_-]{32,}", parts.path):
        return "a token in the path"
    return None


def check_receiver_secrets(receiver: dict):
    """Yield (path, message, hint) for each literal secret in one receiver."""
    for kind, fields in LITERAL_SECRETS.items():
        for literal, file_field in fields.items():
            if literal in receiver.get(kind, {}):
                yield ((kind, literal), f"'{literal}' holds a secret in the spec",
                       f"write the value to a file and set '{file_field}: /path/to/file' instead")
    webhook = receiver.get("webhook", {})
    if "url" in webhook:
        why = url_secret(webhook["url"])
        if why:
            yield (("webhook", "url"), f"webhook URL carries {why}",
                   "point the webhook at a receiver that authenticates otherwise; the URL lands in git")
