"""docker-compose.monitoring.yml: accepted by docker-compose, pinned, healthy, and free of secrets."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS, require_tool

import stackgen
from stackgen.errors import SpecError
from stackgen.model import Spec
from stackgen.pipeline import place, render_stack, write_scratch
from stackgen.render.compose import COMPOSE_FILE, PASSWORD_FILE, render_compose, secret_files
from stackgen.spec.loader import load_spec
from stackgen.targets.base import Placement
from stackgen.targets.registry import COMPOSE, TARGETS

EMBEDDED = Placement()  # the embedded example, rendered into ./generated
# A release tag, and the digest of its multi-arch index: every host pulls the same bytes.
PINNED = re.compile(r"^[\w./-]+:v?\d+(\.\d+)+@sha256:[0-9a-f]{64}$")
TAGGED = re.compile(r"^[\w./-]+:v?\d+(\.\d+)+(-alpine)?$")

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
DEMO = "    demo: true  # stackgen serve runs it in the compose stack\n"
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
    result = compose_config(rendered_root(spec_path, tmp_path), {})  # no variable needed: secrets are files
    assert result.returncode == 0, result.stdout + result.stderr


def test_grafana_reads_its_password_from_a_secret_file_not_from_the_environment(tmp_path):
    compose = yaml.safe_load((rendered_root(SPECS[0], tmp_path) / COMPOSE_FILE).read_text())
    grafana = compose["services"]["grafana"]
    assert grafana["environment"]["GF_SECURITY_ADMIN_PASSWORD__FILE"] == "/run/secrets/grafana_admin_password"
    assert "GF_SECURITY_ADMIN_PASSWORD" not in grafana["environment"]
    assert grafana["secrets"] == [{"source": "grafana_admin_password", "target": "/run/secrets/grafana_admin_password"},
                                  {"source": "web_password", "target": "/run/secrets/web_password"}]  # the datasource's
    assert compose["secrets"]["grafana_admin_password"] == {"file": f"./{PASSWORD_FILE}"}


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
@pytest.mark.parametrize("target", sorted(TARGETS))
def test_no_rendered_file_holds_a_secret_or_a_default_password(spec_path, target):
    artifacts = render_stack(load_spec(spec_path), TARGETS[target])
    for name, data in {**artifacts.files, **artifacts.root_files}.items():
        text = data.decode()
        assert not SECRET_LITERALS.search(text), f"{name}: {SECRET_LITERALS.search(text).group(0)}"
        assert "GF_SECURITY_ADMIN_PASSWORD:" not in text, f"{name} puts Grafana's password in the environment"


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_every_container_is_pinned_healthchecked_restarted_and_on_the_one_network(spec_path):
    spec = load_spec(spec_path)
    compose = render_compose(spec, EMBEDDED)
    # The exporter catalog pins by release tag (no digest corroborated; the README says so).
    tagged = {e.name for e in spec.exporters if e.image is None and e.default_image}
    assert list(compose["networks"]) == ["monitoring"]
    for name, service in compose["services"].items():
        assert service["networks"] == ["monitoring"], name
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"][0] == "CMD", name
        if name in tagged:
            assert TAGGED.match(service["image"]), f"{name}: unpinned {service['image']}"
        elif "image" in service:
            assert PINNED.match(service["image"]), f"{name}: unpinned {service['image']}"
        else:
            assert service["build"] == {"context": "./generated/service"}, name


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
    mounted = {s["target"] for s in compose["services"]["alertmanager"].get("secrets", [])
               if s["source"] not in ("web_config", "web_password")}  # its own web auth, not a receiver's
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
    ("routing:\n", "stack:\n  bind_address: 0.0.0.0\n  accept_unauthenticated_exposure: true\n  ports: {grafana: 3300}\n"
     "routing:\n", "grafana", "ports",
     ["0.0.0.0:3300:3000"]),
    (DEMO, "    image: registry.example.com/dashboard:2.1.0\n", "dashboard", "image",
     "registry.example.com/dashboard:2.1.0"),
    ("  - kind: node\n    port: 9100\n", "  - kind: node\n    port: 9101\n", "node-exporter", "command",
     ["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/rootfs", "--web.listen-address=:9101"]),
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


def test_the_demo_service_is_built_from_the_dockerfile_generate_writes_into_the_output_folder():
    artifacts = render_stack(load_spec(None), COMPOSE)
    dockerfile = artifacts.files["service/Dockerfile"].decode()
    assert dockerfile.startswith("# The instrumented demo service")
    assert f"ARG STACKGEN_REQUIREMENT=stackgen=={stackgen.__version__}\n" in dockerfile
    assert 'pip install --no-cache-dir "$STACKGEN_REQUIREMENT"' in dockerfile
    assert "\nUSER 10001\n" in dockerfile  # not root
    assert "COPY" not in dockerfile  # nothing from a source tree: the build context is the Dockerfile alone


def test_a_spec_whose_services_all_name_images_gets_no_dockerfile(tmp_path):
    spec = spec_with(tmp_path, DEMO, "    image: registry.example.com/dashboard:2.1.0\n")
    artifacts = render_stack(spec, COMPOSE)
    assert "service/Dockerfile" not in artifacts.files
    container = yaml.safe_load(artifacts.root_files[COMPOSE_FILE])["services"]["dashboard"]
    assert "build" not in container and container["image"] == "registry.example.com/dashboard:2.1.0"
    assert container["healthcheck"]["test"][:3] == ["CMD", "python3", "-c"]
    assert "'http://127.0.0.1:8443/health/live'" in container["healthcheck"]["test"][3]


def test_node_exporter_mounts_proc_sys_and_root_separately_read_only_without_shared_propagation():
    exporter = render_compose(load_spec(None), EMBEDDED)["services"]["node-exporter"]
    assert exporter["volumes"] == ["/proc:/host/proc:ro", "/sys:/host/sys:ro", "/:/rootfs:ro"]
    assert "pid" not in exporter
    assert not any("rslave" in v or "rshared" in v for v in exporter["volumes"])


def test_grafana_mounts_only_the_provisioning_folders_stackgen_writes(tmp_path):
    root = rendered_root(SPECS[0], tmp_path)
    grafana = yaml.safe_load((root / COMPOSE_FILE).read_text())["services"]["grafana"]
    provisioning = [v for v in grafana["volumes"] if "/etc/grafana/provisioning" in v]
    assert provisioning == ["./generated/grafana/provisioning/datasources:/etc/grafana/provisioning/datasources:ro",
                            "./generated/grafana/provisioning/dashboards:/etc/grafana/provisioning/dashboards:ro"]
    written = sorted(p.name for p in (root / "generated" / "grafana" / "provisioning").iterdir())
    assert written == ["dashboards", "datasources"]


def test_prometheus_takes_a_reload_over_http():
    command = render_compose(load_spec(None), EMBEDDED)["services"]["prometheus"]["command"]
    assert "--web.enable-lifecycle" in command
    assert not any(flag == "--storage.tsdb.retention" or flag.startswith("--storage.tsdb.retention=")
                   for flag in command)  # removed in Prometheus 3


@pytest.mark.parametrize("new, message", [
    ("", "no 'image:' and no 'demo: true': add 'image: <your service image>' to run your service, or 'demo: true' "
         "to run stackgen's demo service"),
    (DEMO + "    image: registry.example.com/dashboard:2.1.0\n",
     "'image:' and 'demo: true' exclude each other: keep 'image:' to run your service, or 'demo: true' to run "
     "stackgen's demo"),
], ids=["a service with neither an image nor demo is refused", "a service with both is refused"])
def test_a_service_must_say_what_runs_it_with_a_located_error(tmp_path, new, message):
    with pytest.raises(SpecError) as error:
        spec_with(tmp_path, DEMO, new)
    line = PATRONUS[:PATRONUS.index("  - name: dashboard")].count("\n") + 1
    assert f"edited.yaml:{line}: services[dashboard]: {message}" in str(error.value)


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_every_container_stackgen_knows_runs_read_only_without_capabilities_and_with_a_memory_ceiling(spec_path):
    for name, service in render_compose(load_spec(spec_path), EMBEDDED)["services"].items():
        assert service["read_only"] is True and service["tmpfs"] == ["/tmp"], name
        assert service["cap_drop"] == ["ALL"], name
        assert service["security_opt"] == ["no-new-privileges:true"], name
        assert re.fullmatch(r"\d+[mg]", service["mem_limit"]), name


def test_a_users_own_image_gets_no_new_privileges_but_keeps_its_filesystem_and_memory(tmp_path):
    spec = spec_with(tmp_path, DEMO, "    image: registry.example.com/dashboard:2.1.0\n")
    service = render_compose(spec, EMBEDDED)["services"]["dashboard"]
    assert service["security_opt"] == ["no-new-privileges:true"]
    assert not {"read_only", "cap_drop", "mem_limit"} & set(service)


def test_alertmanager_runs_without_its_cluster_port():
    command = render_compose(load_spec(None), EMBEDDED)["services"]["alertmanager"]["command"]
    assert "--cluster.listen-address=" in command


@pytest.mark.parametrize("service, tool", [
    ("prometheus", "prometheus"), ("alertmanager", "prometheus-alertmanager"),
    ("node-exporter", "prometheus-node-exporter"),
], ids=["prometheus", "alertmanager", "node-exporter"])
def test_every_flag_a_container_is_given_is_one_its_program_knows(service, tool):
    # The locally installed release, not the pinned one: it catches a misspelt or long-removed flag.
    command = render_compose(load_spec(None), EMBEDDED)["services"][service]["command"]
    help_text = subprocess.run([require_tool(tool), "--help"], capture_output=True, text=True, timeout=30)
    known = set(re.findall(r"--[\w.-]+", help_text.stdout + help_text.stderr))
    assert {arg.split("=")[0] for arg in command} <= known
