"""Basic auth for the stack's Prometheus and Alertmanager: a password, its bcrypt hash, the web config files.

`stackgen up` and `stackgen verify` make a fresh password for every run and write it, with the web config
that holds its hash, into the run's folder (mode 0600). The compose stack reads its password from
`secrets/web_password`; its web config comes from that file:

    python3 -m stackgen.local.webauth secrets/web_password > secrets/web-config.yml

The hash is made here, at run time, because a bcrypt salt is random and renderers are pure.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from stackgen.errors import StackgenError
from stackgen.output.serialize import yaml_text
from stackgen.render.web_config import WEB_USER, ServerTLS, render_web_config
from stackgen.targets.local import WEB_PASSWORD_FILE

BCRYPT_COST = 10  # Prometheus' documented example cost; both servers cache a verified password
WEB_CONFIG = "web-config.yml"
PASSWORD_FILE = WEB_PASSWORD_FILE


@dataclass(frozen=True)
class WebCredentials:
    username: str
    password: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return self.username, self.password


def new_credentials(username: str = WEB_USER) -> WebCredentials:
    """A fresh random password: hex, so it needs no quoting in a URL, a header or a shell."""
    return WebCredentials(username, secrets.token_hex(16))


def bcrypt_hash(password: str) -> str:
    import bcrypt  # the serve extra: only the commands that run a stack need it

    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")


def web_config_text(credentials: WebCredentials, tls: ServerTLS | None = None) -> str:
    return yaml_text(render_web_config({credentials.username: bcrypt_hash(credentials.password)}, tls))


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def write_web_files(folder: Path, credentials: WebCredentials) -> tuple[Path, Path]:
    """The web config and the password file in `folder`, readable by this user only: (config, password)."""
    folder.mkdir(parents=True, exist_ok=True)
    config, password = folder / WEB_CONFIG, folder / PASSWORD_FILE
    _write_private(config, web_config_text(credentials))
    _write_private(password, credentials.password)
    return config, password


def read_password(path: Path) -> str:
    """The password in a secret file, without the final newline an editor adds."""
    try:
        password = path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise StackgenError(f"{path}: cannot read the password file: {exc.strerror}") from None
    if not password:
        raise StackgenError(f"{path}: the password file is empty (write one, e.g. `openssl rand -hex 16 > {path}`)")
    return password


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m stackgen.local.webauth",
                                     description="Print a web config for Prometheus and Alertmanager whose basic "
                                                 "auth accepts the password in PASSWORD_FILE.")
    parser.add_argument("password_file", type=Path)
    parser.add_argument("--user", default=WEB_USER)
    parser.add_argument("--cert-file", help="serve TLS with this certificate (as the servers see its path)")
    parser.add_argument("--key-file", help="and this key")
    args = parser.parse_args(argv)
    if bool(args.cert_file) != bool(args.key_file):
        parser.error("--cert-file and --key-file go together")
    tls = ServerTLS(args.cert_file, args.key_file) if args.cert_file else None
    try:
        sys.stdout.write(web_config_text(WebCredentials(args.user, read_password(args.password_file)), tls))
    except StackgenError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
