"""Secrets policy: receiver credentials are read from files, never written in a spec."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from pydantic import BaseModel

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker
    from stackgen.spec.v1.routing import Receiver

Finding = tuple[tuple[str | int, ...], str, str]  # (spec path, message, hint)

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


def check_receiver_secrets(receiver: Receiver) -> Iterator[Finding]:
    """(path, message, hint) for each literal secret in one receiver."""
    for kind, fields in LITERAL_SECRETS.items():
        settings = getattr(receiver, kind)
        for literal, file_field in fields.items():
            if settings is None:
                continue
            if getattr(settings, literal) is not None:
                yield ((kind, literal), f"'{literal}' holds a secret in the spec",
                       f"write the value to a file and set '{file_field}: /path/to/file' instead")
            path = getattr(settings, file_field)
            if path is not None and not path.startswith("/"):
                yield ((kind, file_field), f"'{file_field}' must be an absolute path, got {path!r}",
                       "the compose stack mounts secrets/<name> at exactly this path, "
                       "e.g. /etc/alertmanager/secrets/<name>")
    if receiver.webhook is not None:
        why = url_secret(receiver.webhook.url)
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
# Text each pattern above cannot match without (a test holds them to it): most strings hold none of them,
# and looking for a few substrings is cheaper than a search with every pattern.
SECRET_MARKERS = ("://", "-----BEGIN ", "earer", "xox", "gh", "AKIA")
_ANY_MARKER = re.compile("|".join(map(re.escape, SECRET_MARKERS)))


def value_secret(text: str) -> str | None:
    """What credential `text` holds, or None. Markers, then one combined search first: most strings hold none."""
    if not _ANY_MARKER.search(text) or not _ANY_SECRET_VALUE.search(text):
        return None
    return next((what for pattern, what in SECRET_VALUES if pattern.search(text)), None)


@functools.lru_cache(maxsize=4096)  # a spec repeats its keys many times over
def secret_key(key: str) -> bool:
    """Whether a key names a credential by its last word: `db_password`, `api_key`, not `token_type`."""
    words = [w.lower() for w in re.split(r"[_\-.]", key) if w]
    return bool(words) and bool(SECRET_KEY_WORDS & {words[-1], "".join(words[-2:])})


def _items(node: object) -> Iterator[tuple[str | int, object]]:
    """The keys (as written in the spec) and values under one node of the typed spec."""
    if isinstance(node, BaseModel):
        fields = type(node).model_fields
        for name in node.model_fields_set:  # what the spec wrote: a default holds no secret
            yield fields[name].alias or name, getattr(node, name)
    elif isinstance(node, dict):
        yield from node.items()
    elif isinstance(node, (tuple, list)):
        yield from enumerate(node)


def find_spec_secrets(node: object, path: tuple[str | int, ...] = ()) -> Iterator[Finding]:
    """(path, message, hint) for each literal secret anywhere in a spec: values that are credentials,
    keys that name one (labels such as `password: hunter2`), and an email smarthost with credentials."""
    found: list[Finding] = []
    if isinstance(node, str):
        _value_findings(node, path, found)
    else:
        _find_secrets(node, path, found)
    return iter(found)


def _find_secrets(node: object, path: tuple[str | int, ...], found: list[Finding]) -> None:
    # A loop with one call per collection, not a generator per value: a large spec has ~100,000 values.
    for key, value in _items(node):
        if isinstance(value, str):
            if value and isinstance(key, str) and secret_key(key):
                found.append((path + (key,), f"'{key}' holds a literal secret", "secrets never go in the spec: "
                              "keep them in a file the receiver reads (the *_file fields)"))
            elif key == "smarthost" and "@" in value:
                found.append((path + (key,), "the smarthost carries credentials", "write host:port, and set "
                              "auth_username and auth_password_file for the login"))
            else:
                _value_findings(value, path + (key,), found)
        elif isinstance(value, (BaseModel, dict, tuple, list)):
            _find_secrets(value, path + (key,), found)


def _value_findings(text: str, path: tuple[str | int, ...], found: list[Finding]) -> None:
    what = value_secret(text)
    if what:
        found.append((path, f"the value holds {what}", "secrets never go in the spec, which lands in git: "
                      "keep them in a file the receiver reads (the *_file fields)"))


def check_secrets(c: Checker) -> None:
    """Literal secrets in receivers, then anywhere in the spec; a field reported once is not repeated."""
    if c.spec.routing is not None:
        for i, receiver in enumerate(c.spec.routing.receivers):
            for path, message, hint in check_receiver_secrets(receiver):
                c.add(("routing", "receivers", i, *path), message, hint)
    reported = {issue.path for issue in c.issues}
    for path, message, hint in find_spec_secrets(c.spec):
        issue = c.source.issue(path, message, hint)
        if issue.path not in reported:
            c.issues.append(issue)
