"""docker-compose.monitoring.yml: the stack as containers, written beside the output folder.

Config is bind-mounted read-only from the output folder (`./<out_name>/...`); data lives in named
volumes. Nothing secret is written here: Grafana's admin password is a required variable (compose
refuses to start without it) and each receiver secret is a compose secret read from `./secrets/`,
mounted at the exact path the spec's `*_file` field names.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from stackgen.model import Exporter, Service, Spec
from stackgen.spec.catalog import DEFAULT_IMAGES
from stackgen.targets import CONTAINER_PORTS

COMPOSE_FILE = "docker-compose.monitoring.yml"
NETWORK = "monitoring"
SECRETS_DIR = "secrets"
PASSWORD_VAR = "GRAFANA_ADMIN_PASSWORD"
PASSWORD_MISSING = f"set {PASSWORD_VAR} in the environment or in .env beside {COMPOSE_FILE}"
# Not /etc/alertmanager: receiver secrets usually live under it, and Docker cannot create a
# secret's mount point inside a read-only bind mount.
ALERTMANAGER_CONFIG_DIR = "/etc/stackgen/alertmanager"
SPEC_DIR = "/etc/stackgen/specs"
GRAFANA_DASHBOARDS = "/var/lib/grafana/dashboards"  # where the dashboard provider looks
RESTART = "unless-stopped"


@dataclass(frozen=True)
class SecretFile:
    """One receiver secret: read from `source` (beside the compose file), mounted at `target`."""

    name: str
    source: str
    target: str
    receivers: tuple[str, ...]


def secret_files(spec: Spec) -> tuple[SecretFile, ...]:
    """Every `*_file` path the receivers read, as compose secrets; named by file name, made unique."""
    users: dict[str, list[str]] = {}
    for receiver in spec.routing.receivers if spec.routing else ():
        for key, value in sorted(receiver.config.items()):
            if key.endswith("_file") and isinstance(value, str):
                users.setdefault(value, []).append(receiver.name)
    targets = sorted(users)
    basenames = [posixpath.basename(t) for t in targets]
    out = []
    for target, base in zip(targets, basenames):
        name = base if basenames.count(base) == 1 else target.strip("/")
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        out.append(SecretFile(name, f"./{SECRETS_DIR}/{name}", target, tuple(users[target])))
    return tuple(out)


def _image(spec: Spec, component: str) -> str:
    return spec.stack.images.get(component, DEFAULT_IMAGES[component])


def _port(spec: Spec, host_port: int, container_port: int) -> str:
    bind = spec.stack.bind_address
    bind = f"[{bind}]" if ":" in bind else bind
    return f"{bind}:{host_port}:{container_port}"


def _wget_check(port: int, path: str) -> dict:
    """The busybox wget that the Prometheus, Alertmanager, node-exporter and Grafana images ship."""
    return {"test": ["CMD", "wget", "-q", "--spider", f"http://localhost:{port}{path}"],
            "interval": "30s", "timeout": "5s", "retries": 3, "start_period": "30s"}


def _container(image: str | None, command: list | None = None, build: dict | None = None, **options) -> dict:
    out: dict = {"image": image} if image else {"build": build}
    if command:
        out["command"] = command
    out.update({k: v for k, v in options.items() if v})
    out["networks"] = [NETWORK]
    out["restart"] = RESTART
    return out


def _prometheus(spec: Spec, out_name: str) -> dict:
    settings, port = spec.settings, CONTAINER_PORTS["prometheus"]
    command = ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus",
               f"--storage.tsdb.retention.time={settings.retention_time}"]
    if settings.retention_size:
        command.append(f"--storage.tsdb.retention.size={settings.retention_size}")
    return _container(_image(spec, "prometheus"), command,
                      volumes=[f"./{out_name}/prometheus:/etc/prometheus:ro", "prometheus-data:/prometheus"],
                      ports=[_port(spec, spec.stack.ports["prometheus"], port)],
                      depends_on=["alertmanager"], healthcheck=_wget_check(port, "/-/healthy"))


def _alertmanager(spec: Spec, out_name: str) -> dict:
    port = CONTAINER_PORTS["alertmanager"]
    secrets = [{"source": s.name, "target": s.target} for s in secret_files(spec)]
    return _container(_image(spec, "alertmanager"),
                      [f"--config.file={ALERTMANAGER_CONFIG_DIR}/config.yml", "--storage.path=/alertmanager"],
                      volumes=[f"./{out_name}/alertmanager:{ALERTMANAGER_CONFIG_DIR}:ro",
                               "alertmanager-data:/alertmanager"],
                      secrets=secrets, ports=[_port(spec, spec.stack.ports["alertmanager"], port)],
                      healthcheck=_wget_check(port, "/-/healthy"))


def _grafana(spec: Spec, out_name: str) -> dict:
    port = CONTAINER_PORTS["grafana"]
    env = {"GF_SECURITY_ADMIN_USER": "admin",
           "GF_SECURITY_ADMIN_PASSWORD": f"${{{PASSWORD_VAR}:?{PASSWORD_MISSING}}}",
           "GF_USERS_ALLOW_SIGN_UP": "false", "GF_ANALYTICS_REPORTING_ENABLED": "false",
           "GF_ANALYTICS_CHECK_FOR_UPDATES": "false"}
    volumes = ["grafana-data:/var/lib/grafana", f"./{out_name}/grafana/provisioning:/etc/grafana/provisioning:ro"]
    if spec.dashboards:
        volumes.append(f"./{out_name}/grafana/dashboards:{GRAFANA_DASHBOARDS}:ro")
        env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"] = f"{GRAFANA_DASHBOARDS}/{spec.dashboards[0].uid}.json"
    return _container(_image(spec, "grafana"), environment=env, volumes=volumes,
                      ports=[_port(spec, spec.stack.ports["grafana"], port)], depends_on=["prometheus"],
                      healthcheck=_wget_check(port, "/api/health"))


def _node_exporter(spec: Spec, exporter: Exporter) -> dict:
    # The host's filesystems, read-only, so the exporter reports the host rather than its container.
    return _container(exporter.image or _image(spec, "node_exporter"),
                      ["--path.rootfs=/host", f"--web.listen-address=:{exporter.port}"],
                      pid="host", volumes=["/:/host:ro,rslave"], healthcheck=_wget_check(exporter.port, "/"))


def _service(spec: Spec, service: Service) -> dict:
    """The spec's service: its own image when the spec names one, else stackgen's demo service."""
    ports = [_port(spec, service.port, service.port)]
    if service.image:
        return _container(service.image, list(service.command), ports=ports)
    spec_path = f"{SPEC_DIR}/{spec.file}"
    command = list(service.command) or ["stackgen", "serve", spec_path, "--service", service.name,
                                        "--host", "0.0.0.0", "--port", str(service.port)]
    path = service.health.get("live") or service.health.get("basic") or service.metrics_path
    url = f"{service.scheme}://127.0.0.1:{service.port}{path}"
    probe = f"import urllib.request; urllib.request.urlopen({url!r}, timeout=4)"
    # Long syntax: a missing spec file is an error at start, not an empty folder made by Docker.
    spec_mount = {"type": "bind", "source": f"./specs/{spec.file}", "target": spec_path, "read_only": True}
    return _container(None, command, build={"context": ".", "dockerfile": "Dockerfile"}, ports=ports,
                      volumes=[spec_mount],
                      healthcheck={"test": ["CMD", "python", "-c", probe], "interval": "30s", "timeout": "5s",
                                   "retries": 3, "start_period": "20s"})


def render_compose(spec: Spec, out_name: str = "generated") -> dict:
    """The compose file as data; `out_name` is the output folder beside it."""
    services = {"prometheus": _prometheus(spec, out_name), "alertmanager": _alertmanager(spec, out_name),
                "grafana": _grafana(spec, out_name)}
    for exporter in spec.exporters:
        services[exporter.name] = _node_exporter(spec, exporter)
    for service in spec.services:
        services[service.name] = _service(spec, service)
    compose: dict = {
        "services": services,
        "networks": {NETWORK: {}},
        "volumes": {"prometheus-data": {}, "alertmanager-data": {}, "grafana-data": {}},
    }
    secrets = secret_files(spec)
    if secrets:
        compose["secrets"] = {s.name: {"file": s.source} for s in secrets}
    return compose


def compose_comments(spec: Spec, out_name: str = "generated") -> str:
    """What the stack needs before `docker compose up`, as YAML comments under the header."""
    lines = [f"Start: docker compose -f {COMPOSE_FILE} up -d  (see {out_name}/docs/MONITORING.md)",
             f"Needs {PASSWORD_VAR} in the environment or in .env beside this file."]
    secrets = secret_files(spec)
    if secrets:
        lines.append("Needs the receiver secrets as files: " + ", ".join(s.source[2:] for s in secrets) + ".")
    return "".join(f"# {line}\n" for line in lines)
