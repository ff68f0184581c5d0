"""What every Kubernetes manifest shares: the settings, object names, metadata and where files go.

Object names follow the API server's rules (DNS-1123 labels: lowercase letters, digits and '-', starting
and ending alphanumeric, at most 63 characters). A spec name that cannot become one is a located
SpecError here, before anything is rendered, instead of a rejection by the cluster at apply time.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator

from stackgen.errors import SpecError, SpecIssue
from stackgen.model import KubernetesSettings, Spec

MANIFESTS_DIR = "kubernetes"  # one object per file, under the output folder
KUSTOMIZATION = "kustomization.yaml"  # at the output folder's root: `kubectl apply -k <out>`
ALERTMANAGER_SECRETS_DIR = "/etc/alertmanager/secrets"  # where the Operator mounts Alertmanager's `secrets`
MANAGED_BY = {"app.kubernetes.io/managed-by": "stackgen"}

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
NAME_LIMIT = 63


def settings_of(spec: Spec) -> KubernetesSettings:
    return spec.settings.kubernetes


def manifest_file(kind: str, name: str) -> str:
    """`kubernetes/servicemonitor-patronus-dashboard.yaml`: one file per object, named by kind and name."""
    return f"{MANIFESTS_DIR}/{kind.lower()}-{name}.yaml"


def object_name(*parts: str) -> str:
    """The object name from spec names: joined with '-', '_' becomes '-' (check it with `name_problem`)."""
    return "-".join(parts).lower().replace("_", "-")


def name_problem(name: str) -> str | None:
    """Why `name` is not a valid object name, or None."""
    if len(name) > NAME_LIMIT:
        return f"'{name}' is {len(name)} characters, more than the {NAME_LIMIT} Kubernetes allows"
    if not DNS1123_LABEL.match(name):
        return f"'{name}' is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with " \
               "a letter or digit)"
    return None


def service_object(spec: Spec, name: str) -> str:
    """The monitor of a service or exporter: the spec's name, then the job's, so two specs never clash."""
    return object_name(spec.name, name)


def dashboard_object(uid: str) -> str:
    return object_name("grafana-dashboard", uid)


def receivers_secret(spec: Spec) -> str:
    """The Secret the user creates with the receivers' credentials (never rendered: it would hold them)."""
    return object_name(spec.name, "alertmanager-receivers")


def secret_key(path: str) -> str:
    """The key of a receiver credential in the receivers Secret: its file's base name in the spec."""
    return posixpath.basename(path)


def mounted_secret(spec: Spec, path: str) -> str:
    """Where Alertmanager reads a credential file when the Operator mounts the receivers Secret."""
    return f"{ALERTMANAGER_SECRETS_DIR}/{receivers_secret(spec)}/{secret_key(path)}"


def secret_files(spec: Spec) -> Iterator[tuple[str, str, str]]:
    """(spec path, field, file) for every credential file a receiver reads."""
    if spec.routing is None:
        return
    for receiver in spec.routing.receivers:
        for field_name, value in sorted(receiver.config.items()):
            if field_name.endswith("_file") and isinstance(value, str):
                yield f"routing.receivers[{receiver.name}].{receiver.kind}.{field_name}", field_name, value


def _named_objects(spec: Spec) -> Iterator[tuple[str, str, str]]:
    """(spec path, object name, how to fix) for every object name the spec decides."""
    yield "name", object_name(spec.name), "use lowercase letters, digits and '-', ending with a letter or digit"
    yield "name", receivers_secret(spec), "shorten the spec name"  # the longest name built from it
    for kind, items in (("services", spec.services), ("exporters", spec.exporters)):
        for item in items:
            yield f"{kind}[{item.name}].name", service_object(spec, item.name), \
                "shorten this name or the spec name; they are joined with '-'"
    for dashboard in spec.dashboards:
        yield f"dashboards[{dashboard.uid}].uid", dashboard_object(dashboard.uid), "shorten the uid"


def check_kubernetes_names(spec: Spec) -> None:
    """Raise a SpecError naming each spec path whose name cannot become a Kubernetes object name or key."""
    issues: list[SpecIssue] = []
    seen: dict[str, str] = {}
    for path, name, hint in _named_objects(spec):
        problem = name_problem(name)
        if problem:
            issues.append(SpecIssue(spec.file, None, path, f"cannot become a Kubernetes object name: {problem}", hint))
    for path, _, file in secret_files(spec):
        key = secret_key(file)
        if not SECRET_KEY.match(key):
            issues.append(SpecIssue(spec.file, None, path, f"'{key}' cannot be a Kubernetes Secret key",
                                    "name the file with letters, digits, '-', '_' and '.' only"))
        elif seen.setdefault(key, file) != file:
            issues.append(SpecIssue(spec.file, None, path, f"'{file}' and '{seen[key]}' both become Secret key "
                                    f"'{key}'", "give credential files distinct base names"))
    if issues:
        raise SpecError(issues)


def metadata(spec: Spec, name: str, labels: dict[str, str] | None = None) -> dict:
    """Name, namespace and labels; the kustomization sets the same namespace, so `kubectl apply -f` agrees."""
    settings = settings_of(spec)
    merged = {**MANAGED_BY, "app.kubernetes.io/part-of": spec.name, **settings.labels, **(labels or {})}
    return {"name": name, "namespace": settings.namespace, "labels": dict(sorted(merged.items()))}


def manifest(api_version: str, kind: str, meta: dict, **body: object) -> dict:
    return {"apiVersion": api_version, "kind": kind, "metadata": meta, **body}


def embedded_file(data: object) -> str:
    """A file held in a ConfigMap or Secret, as text: JSON as `output.serialize.dump_json` writes it (which a
    renderer may not import), so an embedded dashboard is the same bytes as the file; JSON is valid YAML too."""
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
