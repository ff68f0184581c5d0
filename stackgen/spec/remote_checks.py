"""Checks of `settings.remote_write` and the replica label: what Prometheus or the receiving end would refuse.

Prometheus loads a remote-write URL with the wrong path happily and then fails every request with a 404;
a relabel step with fields its action ignores is refused at load; a tenant VictoriaMetrics cannot read from a
header is silently lost. Each is reported here, at the spec path, before anything is rendered.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import TYPE_CHECKING

from stackgen.spec.v1.remote import RemoteWrite, WriteRelabel

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker, SpecPath

# The path each backend takes samples on (Cortex also on its legacy path).
URL_PATHS = {"thanos": ("/api/v1/receive",), "mimir": ("/api/v1/push",),
             "cortex": ("/api/v1/push", "/api/prom/push"), "victoriametrics": ("/api/v1/write",)}
# What Go's RE2 refuses that Python's re accepts: lookaround and backreferences.
NOT_RE2 = re.compile(r"\(\?<?[=!]|\\[1-9]")


def _check_url(c: Checker, path: SpecPath, endpoint: RemoteWrite) -> None:
    url = urllib.parse.urlsplit(endpoint.url)
    if url.username is not None or url.password is not None:
        c.add(path + ("url",), "the URL carries credentials, which would be committed with the spec",
              "remove them from the URL and use basic_auth.password_file or authorization.credentials_file")
        return
    paths = URL_PATHS[endpoint.backend]
    if not url.path.rstrip("/").endswith(paths):
        c.add(path + ("url",), f"a {endpoint.backend} endpoint takes samples on {' or '.join(paths)}, "
                               f"not on {url.path or '/'!r}",
              f"end the URL with {paths[0]}, e.g. {url.scheme}://{url.netloc}{paths[0]}")


def _check_relabel(c: Checker, path: SpecPath, step: WriteRelabel) -> None:
    if step.action == "replace" and step.target_label is None:
        c.add(path, "a replace step needs 'target_label'", "name the label it writes, or use action: labeldrop")
    if step.action in ("keep", "drop") and not step.source_labels:
        c.add(path, f"a {step.action} step needs 'source_labels'",
              "list the labels whose values the regex is matched against, e.g. source_labels: [__name__]")
    if step.action in ("labeldrop", "labelkeep", "labelmap"):
        extra = [key for key in ("source_labels", "target_label") if getattr(step, key)]
        if extra:
            c.add(path + (extra[0],), f"a {step.action} step matches label names with 'regex' only",
                  f"remove '{extra[0]}'")
    if NOT_RE2.search(step.regex):
        c.add(path + ("regex",), f"{step.regex!r} uses lookaround or a backreference, which Prometheus' RE2 "
                                 "does not support", "rewrite it without (?=, (?!, (?<= and \\1")
        return
    try:
        re.compile(step.regex)
    except re.error as exc:
        c.add(path + ("regex",), f"{step.regex!r} is not a regular expression: {exc}", "fix the pattern")


def _check_endpoint(c: Checker, path: SpecPath, endpoint: RemoteWrite) -> None:
    _check_url(c, path, endpoint)
    if endpoint.basic_auth and endpoint.authorization:
        c.add(path + ("authorization",), "an endpoint takes one kind of credentials, and this one has both "
                                         "basic_auth and authorization", "keep the one the receiving end expects")
    if endpoint.tenant is not None and endpoint.backend == "victoriametrics":
        c.add(path + ("tenant",), "VictoriaMetrics reads the tenant from the URL, not from a header",
              "remove 'tenant' and write the URL as http://vminsert:8480/insert/<tenant>/prometheus/api/v1/write")
    for i, step in enumerate(endpoint.write_relabel_configs):
        _check_relabel(c, path + ("write_relabel_configs", i), step)


def check_remote_write(c: Checker) -> None:
    settings = c.spec.settings
    endpoints = settings.remote_write
    c.unique(((("settings", "remote_write", i, "name"), e.name) for i, e in enumerate(endpoints)), "remote_write name")
    for i, endpoint in enumerate(endpoints):
        _check_endpoint(c, ("settings", "remote_write", i), endpoint)
    if settings.replicas > 1 and settings.replica_label in settings.external_labels:
        c.add(("settings", "external_labels", settings.replica_label),
              f"'{settings.replica_label}' is the replica label, which each replica sets to its own name",
              "remove it from external_labels, or choose another settings.replica_label")
