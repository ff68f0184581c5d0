"""Basic auth on Prometheus and Alertmanager: the web config, who sends the password, and from which file.

promtool's verdict on the web config is in tests/tools/test_web_config_tools.py; the live proof (an
unauthenticated silence refused) in tests/e2e/test_web_auth_live.py.
"""

from __future__ import annotations

import dataclasses
import stat
import urllib.request

import bcrypt
import pytest
import yaml

from stackgen.local.runner import Binaries, plan_stack
from stackgen.local.webauth import new_credentials
from stackgen.model import Spec
from stackgen.pipeline import render_stack
from stackgen.render.compose import render_compose
from stackgen.render.web_config import ServerTLS, render_web_config
from stackgen.spec.loader import load_spec
from stackgen.targets.base import Placement
from stackgen.targets.layout import DATASOURCES, PROMETHEUS_CONFIG
from stackgen.verify import http

BINARIES = Binaries("/bin/prometheus", "/bin/alertmanager", None)


def without_web_auth(spec: Spec) -> Spec:
    return dataclasses.replace(spec, stack=dataclasses.replace(spec.stack, web_auth=False))


def test_the_web_config_maps_each_user_to_a_hash_and_serves_tls_only_when_given_a_certificate():
    assert render_web_config({"stackgen": "$2b$10$x"}) == {"basic_auth_users": {"stackgen": "$2b$10$x"}}
    assert render_web_config({"stackgen": "$2b$10$x"}, ServerTLS("/tls/cert.pem", "/tls/key.pem")) == {
        "tls_server_config": {"cert_file": "/tls/cert.pem", "key_file": "/tls/key.pem", "min_version": "TLS12"},
        "basic_auth_users": {"stackgen": "$2b$10$x"}}
    with pytest.raises(ValueError, match="at least one user"):
        render_web_config({})


@pytest.mark.parametrize("target, password_file", [("compose", "/run/secrets/web_password"),
                                                   ("local", "web_password")])
def test_prometheus_sends_the_password_to_alertmanager_and_to_both_servers_it_scrapes(target, password_file):
    config = yaml.safe_load(render_stack(load_spec(), target).files[PROMETHEUS_CONFIG])
    auth = {"username": "stackgen", "password_file": password_file}
    assert config["alerting"]["alertmanagers"][0]["basic_auth"] == auth
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["prometheus"]["basic_auth"] == auth and jobs["alertmanager"]["basic_auth"] == auth
    assert all("basic_auth" not in job for name, job in jobs.items() if name not in ("prometheus", "alertmanager"))


@pytest.mark.parametrize("spec, target", [(without_web_auth(load_spec()), "compose"), (load_spec(), "kubernetes")],
                         ids=["web auth off", "the Operator's Prometheus"])
def test_no_password_is_sent_where_the_servers_ask_for_none(spec, target):
    files = render_stack(spec, target).files
    assert b"basic_auth" not in files[PROMETHEUS_CONFIG]
    assert b"basicAuth" not in files[DATASOURCES]


def test_compose_gives_both_servers_the_web_config_and_their_clients_the_password():
    services = render_compose(load_spec(), Placement())["services"]
    for name in ("prometheus", "alertmanager"):
        assert "--web.config.file=/run/secrets/web-config.yml" in services[name]["command"]
        assert services[name]["secrets"][:2] == [{"source": "web_config", "target": "/run/secrets/web-config.yml"},
                                                 {"source": "web_password", "target": "/run/secrets/web_password"}]
        port = 9090 if name == "prometheus" else 9093
        assert services[name]["healthcheck"]["test"] == [
            "CMD", "sh", "-c",
            f'wget -q --spider "http://stackgen:$$(cat /run/secrets/web_password)@localhost:{port}/-/healthy"']
    assert {"source": "web_password", "target": "/run/secrets/web_password"} in services["grafana"]["secrets"]


def test_compose_without_web_auth_mounts_no_web_config():
    compose = render_compose(without_web_auth(load_spec()), Placement())
    assert not any("--web.config.file" in arg for arg in compose["services"]["prometheus"]["command"])
    assert "web_config" not in compose["secrets"] and "web_password" not in compose["secrets"]


def test_grafana_reads_the_datasource_password_from_the_secret_file():
    datasource = yaml.safe_load(render_stack(load_spec(), "compose").files[DATASOURCES])["datasources"][0]
    assert (datasource["basicAuth"], datasource["basicAuthUser"]) == (True, "stackgen")
    assert datasource["secureJsonData"] == {"basicAuthPassword": "$__file{/run/secrets/web_password}"}


def test_the_local_plan_writes_a_private_web_config_whose_hash_matches_the_run_password(tmp_path):
    plan = {c.name: c for c in plan_stack(load_spec(), None, BINARIES, tmp_path)}
    prometheus, alertmanager = plan["prometheus"], plan["alertmanager"]
    folder = tmp_path / "generated" / "prometheus"
    for component in (prometheus, alertmanager):
        assert f"--web.config.file={folder / 'web-config.yml'}" in component.command
        assert component.auth is not None and component.password_file == folder / "web_password"
    assert prometheus.auth == alertmanager.auth
    for name in ("web-config.yml", "web_password"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    password = prometheus.auth.password
    assert (folder / "web_password").read_text() == password and len(password) == 32
    stored = yaml.safe_load((folder / "web-config.yml").read_text())["basic_auth_users"]["stackgen"]
    assert bcrypt.checkpw(password.encode(), stored.encode())
    assert not bcrypt.checkpw(b"guess", stored.encode())


def test_each_run_gets_its_own_password():
    assert new_credentials().password != new_credentials().password


def test_the_local_plan_without_web_auth_passes_no_web_config(tmp_path):
    plan = plan_stack(without_web_auth(load_spec()), None, BINARIES, tmp_path)
    assert all(c.auth is None and not any("--web.config.file" in a for a in c.command) for c in plan)
    assert not (tmp_path / "generated" / "prometheus" / "web_password").exists()


def test_verify_sends_the_credentials_to_the_server_they_were_named_for_only():
    http.authorize("http://127.0.0.1:19093/-/ready", "stackgen", "s3cret")
    sent = http.request("http://127.0.0.1:19093/api/v2/silences")
    assert sent.get_header("Authorization") == "Basic c3RhY2tnZW46czNjcmV0"
    for other in ("http://127.0.0.1:19094/api/v2/silences", "http://localhost:19093/api/v2/silences"):
        assert http.request(other).get_header("Authorization") is None
    assert isinstance(sent, urllib.request.Request)
