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
            path = receiver.get(kind, {}).get(file_field)
            if isinstance(path, str) and not path.startswith("/"):
                yield ((kind, file_field), f"'{file_field}' must be an absolute path, got {path!r}",
                       "the compose stack mounts secrets/<name> at exactly this path, "
                       "e.g. /etc/alertmanager/secrets/<name>")
    webhook = receiver.get("webhook", {})
    if "url" in webhook:
        why = url_secret(webhook["url"])
        if why:
            yield (("webhook", "url"), f"webhook URL carries {why}",
                   "point the webhook at a receiver that authenticates otherwise; the URL lands in git")


# Values that are credentials wherever they appear: in a spec, and in anything rendered from one.
SECRET_VALUES = (
    (re.compile(r"https://hooks\.slack\.com/(services|workflows|triggers)/\S+"), "a Slack webhook URL"),
    (re.compile(r"https://(discord(app)?\.com/api/webhooks|[\w.-]+\.webhook\.office\.com)/\S+"), "a chat webhook URL"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"\b[Bb]earer\s+[A-Za-z0-9._~+/-]{16,}=*"), "a bearer token"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"), "a Slack token"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"), "a GitHub token"),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), "an AWS access key"),
    (re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"), "a password in a URL"),
)
# Keys whose literal value is a credential (`*_file` keys hold a path, which is how secrets are given).
SECRET_KEY_WORDS = {"password", "passwd", "secret", "token", "apikey", "credential", "credentials", "privatekey"}


_ANY_SECRET_VALUE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in SECRET_VALUES))


def value_secret(text: str) -> str | None:
    """What credential `text` holds, or None. One combined search first: most strings hold none."""
    if not _ANY_SECRET_VALUE.search(text):
        return None
    return next((what for pattern, what in SECRET_VALUES if pattern.search(text)), None)


def secret_key(key: str) -> bool:
    """Whether a key names a credential by its last word: `db_password`, `api_key`, not `token_type`."""
    words = [w.lower() for w in re.split(r"[_\-.]", key) if w]
    return bool(words) and bool(SECRET_KEY_WORDS & {words[-1], "".join(words[-2:])})


def find_spec_secrets(doc, path: tuple = ()):
    """Yield (path, message, hint) for each literal secret anywhere in a spec: values that are credentials,
    keys that name one (labels such as `password: hunter2`), and an email smarthost with credentials."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            here = path + (key,)
            if isinstance(value, str) and value and isinstance(key, str) and secret_key(key):
                yield (here, f"'{key}' holds a literal secret",
                       "secrets never go in the spec: keep them in a file the receiver reads (the *_file fields)")
            elif key == "smarthost" and isinstance(value, str) and "@" in value:
                yield (here, "the smarthost carries credentials", "write host:port, and set auth_username and "
                       "auth_password_file for the login")
            else:
                yield from find_spec_secrets(value, here)
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield from find_spec_secrets(value, path + (i,))
    elif isinstance(doc, str):
        what = value_secret(doc)
        if what:
            yield (path, f"the value holds {what}", "secrets never go in the spec, which lands in git: "
                   "keep them in a file the receiver reads (the *_file fields)")
