"""docker-compose.monitoring.yml: the stack as containers, written beside the output folder.

Config is bind-mounted read-only from the output folder (`./<out_name>/...`); data lives in named
volumes. The spec's services run their own images, or stackgen's demo service (`compose_service`).
Prometheus takes `POST /-/reload` (as Alertmanager does), so a regenerated config is picked up
without a restart.

Nothing secret is written here: Grafana's admin password and each receiver secret are compose secrets
read from `./secrets/`; Grafana reads its password from the mounted file (`GF_SECURITY_ADMIN_PASSWORD__FILE`),
so it is never in an environment variable, and each receiver secret is mounted at the exact path the spec's
`*_file` field names.
"""

from __future__ import annotations

import posixpath
import re

from stackgen.frozen import Frozen
from stackgen.model import Exporter, Service, Spec
from stackgen.render.compose_service import render_demo_dockerfile, service_container
from stackgen.render.grafana_provisioning import DASHBOARDS_DIR as GRAFANA_DASHBOARDS  # inside the container
from stackgen.render.remote_write import REPLICA_ENV
from stackgen.render.web_config import WEB_USER
from stackgen.spec.catalog import DEFAULT_IMAGES
from stackgen.targets.base import Document, Placement
from stackgen.targets.layout import (
    ALERTMANAGER_CONFIG,
    COMPOSE_FILE,
    DASHBOARD_PROVIDER,
    DASHBOARDS_DIR,
    DATASOURCES,
    DEMO_DOCKERFILE,
    GUIDE,
    PROMETHEUS_CONFIG,
    PROVISIONING_DIR,
    folder_of,
    relative,
)

CONTAINER_PORTS = {"prometheus": 9090, "alertmanager": 9093, "grafana": 3000}  # what the images listen on
NETWORK = "monitoring"
SECRETS_DIR = "secrets"
PASSWORD_SECRET = "grafana_admin_password"
PASSWORD_FILE = f"{SECRETS_DIR}/{PASSWORD_SECRET}"  # beside the compose file
PASSWORD_TARGET = f"/run/secrets/{PASSWORD_SECRET}"  # inside the Grafana container
# The web auth of Prometheus and Alertmanager: the password their clients send, and the web config that holds
# its bcrypt hash (made from the password by `python3 -m stackgen.local.webauth`, since a hash is not renderable).
WEB_PASSWORD_SECRET = "web_password"
WEB_PASSWORD_TARGET = f"/run/secrets/{WEB_PASSWORD_SECRET}"
WEB_CONFIG_SECRET = "web_config"
WEB_CONFIG_FILE = f"{SECRETS_DIR}/web-config.yml"
WEB_CONFIG_TARGET = "/run/secrets/web-config.yml"
# Not /etc/alertmanager or /etc/prometheus: receiver and remote-write secrets usually live under them, and
# Docker cannot create a secret's mount point inside a read-only bind mount.
ALERTMANAGER_CONFIG_DIR = "/etc/stackgen/alertmanager"
PROMETHEUS_CONFIG_DIR = "/etc/stackgen/prometheus"
GRAFANA_PROVISIONING = "/etc/grafana/provisioning"
RESTART = "unless-stopped"
NO_NEW_PRIVILEGES = "no-new-privileges:true"
# Ceilings for one host's stack; Prometheus 3 sets its GOMEMLIMIT from its container's limit.
MEMORY_LIMITS = {"prometheus": "2g", "alertmanager": "256m", "grafana": "512m", "node_exporter": "128m",
                 "exporter": "128m", "demo": "256m"}


class SecretFile(Frozen):
    """One secret file: read from `source` (beside the compose file), mounted at `target` in `components`."""

    name: str
    source: str
    target: str
    receivers: tuple[str, ...]  # the receivers, remote-write endpoints or exporters that read it
    components: tuple[str, ...] = ("alertmanager",)


def _secret_users(spec: Spec) -> dict[str, dict[str, list[str]]]:
    """path -> component -> the receivers (Alertmanager), remote-write endpoints (Prometheus) or the exporter
    (its own container) reading it."""
    users: dict[str, dict[str, list[str]]] = {}
    for receiver in spec.routing.receivers if spec.routing else ():
        for key, value in sorted(receiver.config.items()):
            if key.endswith("_file") and isinstance(value, str):
                users.setdefault(value, {}).setdefault("alertmanager", []).append(receiver.name)
    for endpoint in spec.settings.remote_write:
        for path in (endpoint.password_file, endpoint.credentials_file):
            if path:
                users.setdefault(path, {}).setdefault("prometheus", []).append(endpoint.name)
    for exporter in spec.exporters:
        for path in sorted(set(exporter.secrets.values())):
            users.setdefault(path, {}).setdefault(exporter.name, []).append(exporter.name)
    return users


def secret_files(spec: Spec) -> tuple[SecretFile, ...]:
    """Every `*_file` path the receivers, remote-write endpoints and exporters read, as compose secrets; named
    by file name, made unique."""
    users = _secret_users(spec)
    targets = sorted(users)
    basenames = [posixpath.basename(t) for t in targets]
    out = []
    for target, base in zip(targets, basenames):
        name = base if basenames.count(base) == 1 else target.strip("/")
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        readers = users[target]
        out.append(SecretFile(name, f"./{SECRETS_DIR}/{name}", target,
                              tuple(user for component in sorted(readers) for user in readers[component]),
                              tuple(sorted(readers))))
    return tuple(out)


def _mounted_secrets(spec: Spec, component: str) -> list[dict]:
    return [{"source": s.name, "target": s.target} for s in secret_files(spec) if component in s.components]


def _image(spec: Spec, component: str) -> str:
    return spec.stack.images.get(component, DEFAULT_IMAGES[component])


def _port(spec: Spec, host_port: int, container_port: int) -> str:
    bind = spec.stack.bind_address
    bind = f"[{bind}]" if ":" in bind else bind
    return f"{bind}:{host_port}:{container_port}"


def _wget_check(port: int, path: str, authenticated: bool = False) -> dict:
    """The busybox wget that the Prometheus, Alertmanager, node-exporter and Grafana images ship; behind web
    auth, with the password read from its secret file by the container's shell (`$$` is compose's `$`)."""
    if authenticated:
        url = f"http://{WEB_USER}:$$(cat {WEB_PASSWORD_TARGET})@localhost:{port}{path}"
        test = ["CMD", "sh", "-c", f'wget -q --spider "{url}"']
    else:
        test = ["CMD", "wget", "-q", "--spider", f"http://localhost:{port}{path}"]
    return {"test": test, "interval": "30s", "timeout": "5s", "retries": 3, "start_period": "30s"}


def _web_auth(spec: Spec, password: bool = True) -> tuple[list[str], list[dict]]:
    """(flags, secrets) of a server behind the web config; its own clients' password too when `password`."""
    if not spec.stack.web_auth:
        return [], []
    secrets = [{"source": WEB_CONFIG_SECRET, "target": WEB_CONFIG_TARGET}]
    if password:
        secrets.append({"source": WEB_PASSWORD_SECRET, "target": WEB_PASSWORD_TARGET})
    return [f"--web.config.file={WEB_CONFIG_TARGET}"], secrets


def _hardened(memory: str | None) -> dict:
    """What every container stackgen knows the needs of runs with: a read-only root (data in volumes, scratch
    in a tmpfs), no capabilities, no privilege gain through setuid, and a memory ceiling."""
    if memory is None:  # the user's own image: only what cannot break a well-behaved process
        return {"security_opt": [NO_NEW_PRIVILEGES]}
    return {"read_only": True, "tmpfs": ["/tmp"], "cap_drop": ["ALL"], "security_opt": [NO_NEW_PRIVILEGES],
            "mem_limit": memory}


def _container(image: str | None, command: list | None = None, build: dict | None = None, *,
               memory: str | None, **options: object) -> dict:
    out: dict = {"image": image} if image else {"build": build}
    if command:
        out["command"] = command
    out.update({k: v for k, v in options.items() if v})
    out.update(_hardened(memory))
    out["networks"] = [NETWORK]
    out["restart"] = RESTART
    return out


def _mounted(out_name: str, folder: str, target: str) -> str:
    """A read-only bind mount of a folder of the output, named from the compose file's folder."""
    return f"./{out_name}/{folder}:{target}:ro"


def _prometheus(spec: Spec, out_name: str) -> dict:
    settings, port = spec.settings, CONTAINER_PORTS["prometheus"]
    command = [f"--config.file={PROMETHEUS_CONFIG_DIR}/{posixpath.basename(PROMETHEUS_CONFIG)}",
               "--storage.tsdb.path=/prometheus",
               f"--storage.tsdb.retention.time={settings.retention_time}"]
    if settings.retention_size:
        command.append(f"--storage.tsdb.retention.size={settings.retention_size}")
    command.append("--web.enable-lifecycle")  # POST /-/reload, as Alertmanager takes by default
    web_flags, web_secrets = _web_auth(spec)  # Prometheus also calls itself and Alertmanager with the password
    command += web_flags
    # Each replica names itself in the replica label: this host's is set where `docker compose` runs.
    env = {REPLICA_ENV: f"${{{REPLICA_ENV}:-{spec.name}-0}}"} if settings.replicas > 1 else {}
    return _container(_image(spec, "prometheus"), command, memory=MEMORY_LIMITS["prometheus"], environment=env,
                      volumes=[_mounted(out_name, folder_of(PROMETHEUS_CONFIG), PROMETHEUS_CONFIG_DIR),
                               "prometheus-data:/prometheus"],
                      secrets=web_secrets + _mounted_secrets(spec, "prometheus"),
                      ports=[_port(spec, spec.stack.ports["prometheus"], port)],
                      depends_on=["alertmanager"], healthcheck=_wget_check(port, "/-/healthy", bool(web_flags)))


def _alertmanager(spec: Spec, out_name: str) -> dict:
    port = CONTAINER_PORTS["alertmanager"]
    web_flags, web_secrets = _web_auth(spec)  # the password for its own health check
    secrets = web_secrets + _mounted_secrets(spec, "alertmanager")
    # An empty cluster address turns off the gossip port (9094): one Alertmanager, nothing to peer with.
    return _container(_image(spec, "alertmanager"),
                      [f"--config.file={ALERTMANAGER_CONFIG_DIR}/{posixpath.basename(ALERTMANAGER_CONFIG)}",
                       "--storage.path=/alertmanager", "--cluster.listen-address=", *web_flags],
                      memory=MEMORY_LIMITS["alertmanager"],
                      volumes=[_mounted(out_name, folder_of(ALERTMANAGER_CONFIG), ALERTMANAGER_CONFIG_DIR),
                               "alertmanager-data:/alertmanager"],
                      secrets=secrets, ports=[_port(spec, spec.stack.ports["alertmanager"], port)],
                      healthcheck=_wget_check(port, "/-/healthy", bool(web_flags)))


def _grafana(spec: Spec, out_name: str) -> dict:
    port = CONTAINER_PORTS["grafana"]
    env = {"GF_SECURITY_ADMIN_USER": "admin",
           "GF_SECURITY_ADMIN_PASSWORD__FILE": PASSWORD_TARGET,
           "GF_USERS_ALLOW_SIGN_UP": "false", "GF_ANALYTICS_REPORTING_ENABLED": "false",
           "GF_ANALYTICS_CHECK_FOR_UPDATES": "false"}
    # Only the provisioning folders stackgen writes: the image's own empty plugins/ and alerting/ stay,
    # so Grafana finds every folder it looks for.
    volumes = ["grafana-data:/var/lib/grafana"] + [
        _mounted(out_name, folder_of(path), f"{GRAFANA_PROVISIONING}/{relative(folder_of(path), PROVISIONING_DIR)}")
        for path in (DATASOURCES, DASHBOARD_PROVIDER)]
    if spec.dashboards:
        volumes.append(_mounted(out_name, DASHBOARDS_DIR, GRAFANA_DASHBOARDS))
        env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"] = f"{GRAFANA_DASHBOARDS}/{spec.dashboards[0].uid}.json"
    return _container(_image(spec, "grafana"), memory=MEMORY_LIMITS["grafana"], environment=env, volumes=volumes,
                      secrets=[{"source": PASSWORD_SECRET, "target": PASSWORD_TARGET},  # the datasource's password:
                               *_web_auth(spec)[1][1:]],
                      ports=[_port(spec, spec.stack.ports["grafana"], port)], depends_on=["prometheus"],
                      healthcheck=_wget_check(port, "/api/health"))


def _node_exporter(spec: Spec, exporter: Exporter) -> dict:
    # The host's /proc, /sys and / as three read-only mounts, so the exporter reports the host rather than
    # its container; unlike one `/:/host:ro,rslave` mount, this needs no shared mount propagation, which
    # Docker Desktop, rootless Docker and NAS hosts do not offer.
    return _container(exporter.image or _image(spec, "node_exporter"),
                      ["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/rootfs",
                       f"--web.listen-address=:{exporter.port}"], memory=MEMORY_LIMITS["node_exporter"],
                      volumes=["/proc:/host/proc:ro", "/sys:/host/sys:ro", "/:/rootfs:ro"],
                      healthcheck=_wget_check(exporter.port, "/"))


def _exporter(spec: Spec, exporter: Exporter) -> dict:
    """A catalog or custom exporter: its image listening on its spec port, its environment and secret files."""
    if exporter.kind == "node":
        return _node_exporter(spec, exporter)
    args = [arg.format(host="0.0.0.0", port=exporter.port) for arg in exporter.listen_args]
    secrets = _mounted_secrets(spec, exporter.name)
    return _container(exporter.image or exporter.default_image, args, memory=MEMORY_LIMITS["exporter"]
                      if exporter.hardened else None, environment={**exporter.environment, **exporter.secrets},
                      volumes=list(exporter.volumes), secrets=secrets,
                      healthcheck=_wget_check(exporter.port, exporter.health_path) if exporter.health_path else None)


def _service(spec: Spec, service: Service, placement: Placement) -> dict:
    parts = service_container(spec, service, placement)
    memory = MEMORY_LIMITS["demo"] if "build" in parts else None
    return _container(parts.get("image"), parts["command"], build=parts.get("build"), memory=memory,
                      ports=[_port(spec, service.port, service.port)], volumes=parts["volumes"],
                      healthcheck=parts["healthcheck"])


def render_compose(spec: Spec, placement: Placement) -> dict:
    """The compose file as data; paths in it are relative to the folder it is written in."""
    out_name = placement.out_name
    services = {"prometheus": _prometheus(spec, out_name), "alertmanager": _alertmanager(spec, out_name),
                "grafana": _grafana(spec, out_name)}
    for exporter in spec.exporters:
        services[exporter.name] = _exporter(spec, exporter)
    for service in spec.services:
        services[service.name] = _service(spec, service, placement)
    compose: dict = {
        "services": services,
        "networks": {NETWORK: {}},
        "volumes": {"prometheus-data": {}, "alertmanager-data": {}, "grafana-data": {}},
    }
    web = {WEB_CONFIG_SECRET: {"file": f"./{WEB_CONFIG_FILE}"},
           WEB_PASSWORD_SECRET: {"file": f"./{SECRETS_DIR}/{WEB_PASSWORD_SECRET}"}} if spec.stack.web_auth else {}
    compose["secrets"] = {PASSWORD_SECRET: {"file": f"./{PASSWORD_FILE}"}, **web,
                          **{s.name: {"file": s.source} for s in secret_files(spec)}}
    return compose


def compose_comments(spec: Spec, out_name: str) -> str:
    """What the stack needs before `docker compose up`, as YAML comments under the header."""
    lines = [f"Start: docker compose -f {COMPOSE_FILE} up -d  (see {out_name}/{GUIDE})",
             f"Needs Grafana's admin password in {PASSWORD_FILE}."]
    if spec.stack.web_auth:
        lines.append(f"Needs the web password of Prometheus and Alertmanager in {SECRETS_DIR}/{WEB_PASSWORD_SECRET} and "
                     f"its web config: python3 -m stackgen.local.webauth {SECRETS_DIR}/{WEB_PASSWORD_SECRET} > "
                     f"{WEB_CONFIG_FILE}")
    secrets = secret_files(spec)
    if secrets:
        lines.append("Needs the secrets as files: " + ", ".join(s.source[2:] for s in secrets) + ".")
    return "".join(f"# {line}\n" for line in lines)


def render_compose_file(spec: Spec, placement: Placement) -> tuple[Document, ...]:
    """The compose file, to be written beside the output folder, and the demo image it builds, if any."""
    compose = render_compose(spec, placement)
    docs = [Document(COMPOSE_FILE, compose, "yaml", beside=True, comments=compose_comments(spec, placement.out_name))]
    if any("build" in container for container in compose["services"].values()):
        docs.append(Document(DEMO_DOCKERFILE, render_demo_dockerfile(), "text"))
    return tuple(docs)
