"""The web config of Prometheus and Alertmanager, judged by `promtool check web-config` (Debian's 2.42).

Both the helper the compose stack's guide gives (`python3 -m stackgen.local.webauth`) and the file the local
runner writes are checked, with and without TLS (a self-signed certificate made by openssl here).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import require_tool

from stackgen.local.runner import Binaries, plan_stack
from stackgen.spec.loader import load_spec


def check_web_config(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([require_tool("promtool"), "check", "web-config", str(path)], capture_output=True,
                          text=True, timeout=60)


def webauth(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stackgen.local.webauth", *args], capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "web_password"
    path.write_text("0123456789abcdef0123456789abcdef\n")  # the final newline an editor adds is not the password's
    return path


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run([require_tool("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                           "-subj", "/CN=prometheus", "-keyout", str(key), "-out", str(cert)],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    return cert, key


def test_promtool_accepts_the_web_config_made_from_a_password_file(password_file, tmp_path):
    made = webauth(str(password_file))
    assert made.returncode == 0, made.stderr
    config = tmp_path / "web-config.yml"
    config.write_text(made.stdout)
    result = check_web_config(config)
    assert result.returncode == 0 and "SUCCESS" in result.stdout + result.stderr, result.stdout + result.stderr


def test_promtool_accepts_the_web_config_with_tls(password_file, certificate, tmp_path):
    cert, key = certificate
    made = webauth(str(password_file), "--cert-file", str(cert), "--key-file", str(key))
    assert made.returncode == 0, made.stderr
    config = tmp_path / "web-config.yml"
    config.write_text(made.stdout)
    result = check_web_config(config)
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_refuses_a_web_config_whose_certificate_is_missing(password_file, tmp_path):
    """The check has teeth: TLS naming files that are not there."""
    config = tmp_path / "web-config.yml"
    config.write_text(webauth(str(password_file), "--cert-file", str(tmp_path / "none.pem"),
                              "--key-file", str(tmp_path / "none.key")).stdout)
    result = check_web_config(config)
    assert result.returncode != 0 and "none.pem" in result.stdout + result.stderr, result.stdout + result.stderr


def test_promtool_accepts_the_web_config_the_local_runner_writes(tmp_path):
    plan_stack(load_spec(), None, Binaries("/bin/prometheus", "/bin/alertmanager", None), tmp_path)
    result = check_web_config(tmp_path / "generated" / "prometheus" / "web-config.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("content, args, expected", [
    ("", (), "the password file is empty"),
    (None, (), "cannot read the password file"),
    ("secret", ("--cert-file", "/tls/cert.pem"), "--cert-file and --key-file go together"),
])
def test_the_helper_refuses_what_cannot_make_a_web_config(content, args, expected, tmp_path):
    path = tmp_path / "web_password"
    if content is not None:
        path.write_text(content)
    result = webauth(str(path), *args)
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""
