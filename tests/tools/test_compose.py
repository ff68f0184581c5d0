"""docker-compose.monitoring.yml: accepted by docker-compose, pinned, healthy, and free of secrets."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS, require_tool

from stackgen.model import Spec
from stackgen.pipeline import place, render_stack, write_scratch
from stackgen.render.compose import COMPOSE_FILE, PASSWORD_VAR, render_compose, secret_files
from stackgen.spec.loader import load_spec
from stackgen.targets.base import Placement
from stackgen.targets.registry import COMPOSE, TARGETS

EMBEDDED = Placement()  # the embedded example, rendered into ./generated

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
# A secret written as a value; `PASSWORD=$(...)` in the guide's quick start computes one, so it is allowed.
SECRET_LITERALS = re.compile(r"\b(api_url|routing_key|auth_password):|password=(?!\$)", re.I)


def compose_config(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`docker-compose config -q` in `folder`, with exactly `env` (no variable leaks in from the caller)."""
    return subprocess.run([require_tool("docker-compose"), "-f", COMPOSE_FILE, "config", "-q"], cwd=folder,
                          env={"PATH": os.environ["PATH"], "HOME": str(folder), **env},
                          capture_output=True, text=True, timeout=60)


def rendered_root(spec_path: Path, tmp_path: Path) -> Path:
    """The compose file and output of `spec_path` under `tmp_path`, naming the spec where it is."""
    write_scratch(render_stack(load_spec(spec_path), COMPOSE, place(spec_path, tmp_path / "generated")), tmp_path)
    return tmp_path


def spec_with(tmp_path: Path, old: str, new: str) -> Spec:
    assert PATRONUS.count(old) == 1, f"the edit must match the default spec once: {old!r}"
    path = tmp_path / "edited.yaml"
    path.write_text(PATRONUS.replace(old, new))
    return load_spec(path)


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_docker_compose_accepts_the_rendered_file_of_every_spec(spec_path, tmp_path):
    result = compose_config(rendered_root(spec_path, tmp_path), {PASSWORD_VAR: "only-for-this-test"})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("env", [{}, {PASSWORD_VAR: ""}], ids=["unset", "empty"])
def test_docker_compose_refuses_the_file_without_a_grafana_password_and_says_how_to_set_it(env, tmp_path):
    result = compose_config(rendered_root(SPECS[0], tmp_path), env)
    assert result.returncode != 0
    assert f"set {PASSWORD_VAR} in the environment or in .env beside {COMPOSE_FILE}" in result.stderr


def test_docker_compose_reads_the_grafana_password_from_the_env_file_beside_it(tmp_path):
    root = rendered_root(SPECS[0], tmp_path)
    (root / ".env").write_text(f"{PASSWORD_VAR}=from-the-env-file\n")
    result = compose_config(root, {})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_no_rendered_file_holds_a_secret_or_a_default_password(spec_path, target):
    artifacts = render_stack(load_spec(spec_path), TARGETS[target])
    for name, data in {**artifacts.files, **artifacts.root_files}.items():
        text = data.decode()
        assert not SECRET_LITERALS.search(text), f"{name}: {SECRET_LITERALS.search(text).group(0)}"
        assert not re.search(r"\$\{" + PASSWORD_VAR + r"(:?-|-)", text), f"{name} gives the password a default"
    if target == "compose":
        grafana = yaml.safe_load(artifacts.root_files[COMPOSE_FILE])["services"]["grafana"]
        assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD"].startswith(f"${{{PASSWORD_VAR}:?")


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_every_container_is_pinned_healthchecked_restarted_and_on_the_one_network(spec_path):
    compose = render_compose(load_spec(spec_path), EMBEDDED)
    assert list(compose["networks"]) == ["monitoring"]
    for name, service in compose["services"].items():
        assert service["networks"] == ["monitoring"], name
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD", name
        if "image" in service:
            assert re.match(r"^[\w./-]+:v?\d+(\.\d+)+$", service["image"]), f"{name}: unpinned {service['image']}"
        else:
            assert service["build"] == {"context": ".", "dockerfile": "Dockerfile"}, name


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_ports_are_bound_to_the_stack_address_and_config_is_mounted_read_only(spec_path):
    spec = load_spec(spec_path)
    compose = render_compose(spec, Placement("out", "specs/x.yaml"))
    for name, service in compose["services"].items():
        for port in service.get("ports", []):
            assert port.startswith(f"{spec.stack.bind_address}:"), f"{name}: {port}"
        for volume in service.get("volumes", []):
            if isinstance(volume, str) and volume.startswith("./"):
                assert volume.startswith("./out/") and volume.endswith(":ro"), f"{name}: {volume}"
    published = {p.split(":")[1] for s in compose["services"].values() for p in s.get("ports", [])}
    expected = {str(spec.stack.ports[c]) for c in ("prometheus", "alertmanager", "grafana")}
    assert expected | {str(s.port) for s in spec.services} == published
    assert set(compose["volumes"]) == {"prometheus-data", "alertmanager-data", "grafana-data"}


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_each_receiver_secret_is_mounted_exactly_where_the_alertmanager_config_reads_it(spec_path):
    spec = load_spec(spec_path)
    config = yaml.safe_load(render_stack(spec, COMPOSE).files["alertmanager/config.yml"])
    read = {value for receiver in config["receivers"] for kind, items in receiver.items() if kind != "name"
            for item in items for key, value in item.items() if key.endswith("_file")}
    compose = render_compose(spec, EMBEDDED)
    mounted = {s["target"] for s in compose["services"]["alertmanager"].get("secrets", [])}
    assert read and mounted == read
    sources = {s["source"]: compose["secrets"][s["source"]]["file"]
               for s in compose["services"]["alertmanager"]["secrets"]}
    assert all(f.startswith("./secrets/") for f in sources.values())


@pytest.mark.parametrize("old, new, expected", [
    ("time: 30d\n    size: 50GB", "time: 7d",
     ["--storage.tsdb.retention.time=7d"]),
    ("time: 30d\n    size: 50GB", "time: 90d\n    size: 2TB",
     ["--storage.tsdb.retention.time=90d", "--storage.tsdb.retention.size=2TB"]),
], ids=["a retention time alone gives one flag", "a retention size adds its own flag"])
def test_prometheus_retention_flags_come_from_the_spec(tmp_path, old, new, expected):
    command = render_compose(spec_with(tmp_path, old, new), EMBEDDED)["services"]["prometheus"]["command"]
    assert [c for c in command if c.startswith("--storage.tsdb.retention")] == expected


@pytest.mark.parametrize("old, new, service, key, expected", [
    ("routing:\n", "stack:\n  images:\n    grafana: grafana/grafana:11.4.0\nrouting:\n", "grafana", "image",
     "grafana/grafana:11.4.0"),
    ("routing:\n", "stack:\n  bind_address: 0.0.0.0\n  ports: {grafana: 3300}\nrouting:\n", "grafana", "ports",
     ["0.0.0.0:3300:3000"]),
    ("    port: 8443\n", "    port: 8443\n    image: registry.example.com/dashboard:2.1.0\n", "dashboard", "image",
     "registry.example.com/dashboard:2.1.0"),
    ("  - kind: node\n    port: 9100\n", "  - kind: node\n    port: 9101\n", "node-exporter", "command",
     ["--path.rootfs=/host", "--web.listen-address=:9101"]),
], ids=["an image override replaces the default pin", "the bind address and ports come from the stack section",
        "a service naming its image runs that image", "the exporter listens on its spec port"])
def test_the_stack_section_and_services_shape_the_containers(tmp_path, old, new, service, key, expected):
    assert render_compose(spec_with(tmp_path, old, new), EMBEDDED)["services"][service][key] == expected


@pytest.mark.parametrize("spec_at, out, source", [
    ("stackgen.yaml", "generated", "./stackgen.yaml"),
    ("specs/shop.yaml", "generated", "./specs/shop.yaml"),
    ("specs/shop.yaml", "deploy/monitoring", "../specs/shop.yaml"),
    ("../elsewhere/shop.yaml", "generated", "../elsewhere/shop.yaml"),
], ids=["a spec beside the output folder", "a spec in a folder beside it", "an output folder deeper down",
        "a spec outside the project"])
def test_the_demo_service_mounts_the_users_spec_from_where_it_is(tmp_path, spec_at, out, source):
    project = tmp_path / "project"
    spec_path = project / spec_at
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(PATRONUS)
    spec = load_spec(spec_path)
    service = spec.services[0]
    container = render_compose(spec, place(spec_path, project / out))["services"][service.name]
    in_container = f"/etc/stackgen/specs/{spec_path.name}"
    assert container["command"] == ["stackgen", "serve", in_container, "--service", service.name, "--host", "0.0.0.0",
                                    "--port", str(service.port)]
    assert container["volumes"] == [{"type": "bind", "source": source, "target": in_container, "read_only": True}]
    compose_folder = (project / out).parent
    assert (compose_folder / source).resolve() == spec_path.resolve()


def test_the_embedded_example_serves_the_packaged_spec_and_mounts_nothing():
    spec = load_spec(None)
    service = spec.services[0]
    container = render_compose(spec, EMBEDDED)["services"][service.name]
    assert container["command"] == ["stackgen", "serve", "--service", service.name, "--host", "0.0.0.0",
                                    "--port", str(service.port)]
    assert "volumes" not in container
    assert f"127.0.0.1:{service.port}{service.health['live']}" in container["healthcheck"]["test"][-1]


@pytest.mark.parametrize("paths, expected", [
    (["/etc/alertmanager/secrets/slack"], [("slack", "/etc/alertmanager/secrets/slack")]),
    (["/a/key", "/b/key"], [("a_key", "/a/key"), ("b_key", "/b/key")]),
    (["/run/secrets/team x"], [("team_x", "/run/secrets/team x")]),
], ids=["a secret is named by its file name", "two files with one name are named by their paths",
        "characters compose does not allow in a name become underscores"])
def test_secret_files_get_unique_compose_names(tmp_path, paths, expected):
    receivers = "".join(f"    - name: r{i}\n      pagerduty:\n        routing_key_file: '{p}'\n"
                        for i, p in enumerate(paths))
    spec = spec_with(tmp_path, "  receivers:\n    - name: pagerduty\n",
                     f"  receivers:\n{receivers}    - name: pagerduty\n")
    found = [(s.name, s.target) for s in secret_files(spec) if s.target in paths]
    assert found == expected
    assert all(s.source == f"./secrets/{s.name}" for s in secret_files(spec))


def test_the_local_target_writes_no_compose_file():
    assert render_stack(load_spec(SPECS[0]), TARGETS["local"]).root_files == {}


def test_the_serve_command_the_container_runs_accepts_every_option_it_is_given(cli):
    container = render_compose(load_spec(SPECS[0]), EMBEDDED)["services"][load_spec(SPECS[0]).services[0].name]
    help_text = cli(*container["command"][1:2], "--help").output
    for option in (arg for arg in container["command"] if arg.startswith("--")):
        assert option in help_text


def test_the_dockerfile_installs_the_package_and_leaves_the_spec_to_the_mount():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir ." in dockerfile and "COPY stackgen ./stackgen" in dockerfile
    assert "USER " in dockerfile  # not root
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", "secrets", ".env"} <= set(ignored)
