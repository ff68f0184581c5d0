"""Checks a Kubernetes API server makes, run on rendered manifests without a cluster.

Custom resources are validated against the Prometheus Operator's CRD schemas (tests/fixtures/k8s-crds,
copied with their provenance and licence), core objects against the Kubernetes OpenAPI schemas that
kubernetes-validate ships, and every object's metadata against the API server's own name and label rules
(which a CRD schema does not carry). A Kustomization has no API schema: it gets a structural check here,
and `kubectl kustomize` in the tools lane.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from stackgen.model import Spec
from stackgen.pipeline import load

CRDS = Path(__file__).resolve().parent.parent / "fixtures" / "k8s-crds"
KUBERNETES_VERSION = "1.30"  # the oldest Kubernetes the Operator 0.93 supports; its schemas are bundled

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
LABEL_NAME = re.compile(r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
                        r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")


class KubernetesYamlLoader(yaml.SafeLoader):
    """YAML 1.1 reads a bare `=` as the `value` tag; kustomize and the AlertmanagerConfig CRD write it bare
    (YAML 1.2, where it is a string). Keep it a string."""


KubernetesYamlLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))


@functools.cache
def crd_schemas() -> dict[tuple[str, str], dict]:
    """(apiVersion, kind) -> openAPIV3Schema, for every served version of every CRD in the fixtures."""
    schemas = {}
    for path in sorted(CRDS.glob("*.yaml")):
        crd = yaml.load(path.read_text(encoding="utf-8"), Loader=KubernetesYamlLoader)
        for version in crd["spec"]["versions"]:
            api_version = f"{crd['spec']['group']}/{version['name']}"
            schemas[(api_version, crd["spec"]["names"]["kind"])] = version["schema"]["openAPIV3Schema"]
    return schemas


def metadata_problems(obj: dict) -> list[str]:
    """What the API server refuses in metadata: the name (a DNS-1123 subdomain; 63 characters for the ones
    stackgen renders, which become Service or label values), label names and values."""
    meta = obj.get("metadata") or {}
    name = meta.get("name")
    problems = []
    if not isinstance(name, str) or len(name) > 63 or not DNS1123_SUBDOMAIN.match(name):
        problems.append(f"metadata.name {name!r} is not a DNS-1123 name of at most 63 characters")
    for key, value in (meta.get("labels") or {}).items():
        if not LABEL_NAME.match(key) or len(key.split("/")[-1]) > 63:
            problems.append(f"label name {key!r} is invalid")
        if not isinstance(value, str) or len(value) > 63 or not LABEL_VALUE.match(value):
            problems.append(f"label {key}: value {value!r} is invalid")
    return problems


def schema_problems(obj: dict) -> list[str]:
    """What the CRD schema (custom resources) or the Kubernetes schema (core objects) refuses."""
    key = (obj.get("apiVersion"), obj.get("kind"))
    schemas = crd_schemas()
    if key in schemas:
        validator = jsonschema.Draft7Validator(schemas[key])
        return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)]
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        return [f"{'.'.join(map(str, exc.path))}: {exc.message}"]
    return []


def kustomization_problems(doc: dict, files: set[str]) -> list[str]:
    """A structural check: kustomize has no published API schema. `files` are those beside it."""
    problems = []
    if doc.get("apiVersion") != "kustomize.config.k8s.io/v1beta1" or doc.get("kind") != "Kustomization":
        problems.append("not a kustomize.config.k8s.io/v1beta1 Kustomization")
    namespace = doc.get("namespace")
    if not isinstance(namespace, str) or not DNS1123_LABEL.match(namespace):
        problems.append(f"namespace {namespace!r} is not a DNS-1123 label")
    resources = doc.get("resources")
    if not isinstance(resources, list) or not resources:
        problems.append("resources must be a non-empty list")
    else:
        problems += [f"resource {r!r} does not exist" for r in resources if r not in files]
    for entry in doc.get("labels", []):
        if set(entry) - {"pairs", "includeSelectors", "includeTemplates", "fields"}:
            problems.append(f"labels entry has unknown keys {sorted(entry)}")
    return problems


def object_problems(obj: dict[str, Any]) -> list[str]:
    """Every problem a cluster would report on applying `obj`."""
    return metadata_problems(obj) + schema_problems(obj)


def with_kubernetes_settings(spec_path: Path, settings: str, folder: Path) -> Path:
    """A copy of the spec at `spec_path` in `folder` with `settings.kubernetes` set to the YAML block `settings`."""
    source = spec_path.read_text(encoding="utf-8")
    assert source.count("\nsettings:\n") == 1, f"{spec_path.name} has no top-level settings block"
    block = "".join(f"    {line}\n" for line in settings.strip().splitlines())
    path = folder / spec_path.name
    path.write_text(source.replace("\nsettings:\n", f"\nsettings:\n  kubernetes:\n{block}", 1), encoding="utf-8")
    return path


def generated_spec(path: Path | None) -> Spec:
    """The spec as `stackgen generate` renders it (processors applied: SLOs expanded); None is the default."""
    return load([path]).spec
