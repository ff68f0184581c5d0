"""The web configuration file of Prometheus and Alertmanager: who may call their HTTP API, and over TLS or not.

Both read the same format (the Prometheus exporter-toolkit's `--web.config.file`): `basic_auth_users` maps a
user to a bcrypt hash, `tls_server_config` names a certificate and key. The hash is made from a secret file at
run time (`stackgen.local.webauth`), never rendered from the spec: a salt is random, and the spec holds no secret.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stackgen.frozen import Frozen

WEB_USER = "stackgen"  # the user the stack's own clients (Prometheus, Grafana, stackgen verify) call with


class ServerTLS(Frozen):
    """A certificate and its key, as files the server reads; optional."""

    cert_file: str
    key_file: str
    min_version: str = "TLS12"


def render_web_config(users: Mapping[str, str], tls: ServerTLS | None = None) -> dict[str, Any]:
    """The web config: each user with their bcrypt hash, and TLS when a certificate is given. Pure."""
    if not users:
        raise ValueError("a web config needs at least one user")
    config: dict[str, Any] = {}
    if tls is not None:
        config["tls_server_config"] = {"cert_file": tls.cert_file, "key_file": tls.key_file,
                                       "min_version": tls.min_version}
    config["basic_auth_users"] = dict(sorted(users.items()))
    return config
