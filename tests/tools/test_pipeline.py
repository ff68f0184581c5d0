"""The pipeline's shape: one way in for every command, renderers that ask the target, layers that do not loop."""

from __future__ import annotations

import ast
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, SPECS, require_tool

from stackgen.errors import UsageError
from stackgen.model import Exporter, Receiver, Service, Spec
from stackgen.pipeline import load, place, render_stack, write_scratch
from stackgen.spec.loader import load_spec
from stackgen.targets.base import Document, Placement
from stackgen.targets.layout import ALERTMANAGER_CONFIG, DATASOURCES, PROMETHEUS_CONFIG

PACKAGE = ROOT / "stackgen"


def imported_modules(folder: Path) -> dict[str, set[str]]:
    """Every stackgen module each file under `folder` imports, at any depth of the file."""
    found: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.relative_to(ROOT).as_posix()] = {n for n in names if n.startswith("stackgen")}
    return found


@pytest.mark.parametrize("importer, imported", [
    ("render", "stackgen.output"), ("output", "stackgen.render"), ("render", "stackgen.pipeline"),
    ("output", "stackgen.pipeline"), ("targets", "stackgen.output"), ("render", "stackgen.targets.registry"),
], ids=lambda v: v)
def test_the_layers_do_not_import_each_other_backwards(importer, imported):
    offenders = {path: sorted(n for n in names if n == imported or n.startswith(imported + "."))
                 for path, names in imported_modules(PACKAGE / importer).items()}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_no_renderer_tests_which_target_it_renders_for():
    for path in sorted((PACKAGE / "render").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "target":
                assert node.attr not in ("name", "local"), f"{path.name}:{node.lineno}: target.{node.attr}"


@pytest.mark.parametrize("command", ["generate", "validate", "test", "up", "serve"])
def test_every_spec_command_loads_through_the_pipeline_and_never_around_it(command):
    names = imported_modules(PACKAGE / "cli")[f"stackgen/cli/{command}.py"]
    assert not {n for n in names if n.startswith(("stackgen.spec", "stackgen.render", "stackgen.output"))}
    source = (PACKAGE / "cli" / f"{command}.py").read_text()
    # cli.common: pipeline.load, then the lint warnings printed once (load_located: a spec already located)
    assert "load_linted(" in source or "load_located(" in source


@pytest.mark.parametrize("spec, out, expected", [
    ("stackgen.yaml", "generated", Placement("generated", "stackgen.yaml")),
    ("specs/shop.yaml", "generated", Placement("generated", "specs/shop.yaml")),
    ("specs/shop.yaml", "deploy/monitoring", Placement("monitoring", "../specs/shop.yaml")),
    ("/srv/specs/shop.yaml", "/srv/app/out", Placement("out", "../specs/shop.yaml")),
    (None, "out", Placement("out", None)),
], ids=["a spec beside the output", "a spec in a sibling folder", "a deeper output folder", "absolute paths",
        "the embedded example has no path"])
def test_paths_are_placed_relative_to_the_folder_beside_the_output(spec, out, expected):
    assert place(Path(spec) if spec else None, Path(out)) == expected


def test_several_spec_files_are_refused_an_overlay_is_chosen_with_env():
    with pytest.raises(UsageError, match=r"one spec file at a time \(got 2\); an environment's overlay is chosen "
                                         r"with --env, not given as a second spec"):
        load([SPECS[0], SPECS[-1]])


def test_load_keeps_the_path_and_the_lint_findings():
    loaded = load([SPECS[0]])
    assert loaded.path == SPECS[0] and loaded.spec.name and loaded.warnings == ()
    assert load([]).path is None


@dataclass(frozen=True)
class MeshTarget:
    """A target these tests invent: a service mesh with DNS names. Rendering it changes no renderer."""

    name: str = "mesh"
    summary: str = "an invented target"

    def component(self, spec: Spec, name: str) -> str:
        return f"{name}.monitoring.svc:{spec.stack.ports[name]}"

    def datasource_url(self, spec: Spec) -> str:
        return f"http://{self.component(spec, 'prometheus')}"

    def service(self, service: Service) -> str:
        return f"{service.name}.apps.svc:{service.port}"

    def exporter(self, exporter: Exporter) -> str:
        return f"{exporter.name}.nodes.svc:{exporter.port}"

    def web_password_file(self, spec: Spec) -> str | None:
        return None  # the mesh authenticates its own way

    def receiver(self, spec: Spec, receiver: Receiver) -> Receiver:
        return Receiver(receiver.name, "null")

    def own_documents(self, spec: Spec, placement: Placement) -> tuple[Document, ...]:
        return (Document("mesh/README.txt", f"{spec.name} on the mesh\n", "text"),)


@pytest.mark.parametrize("spec_path", SPECS, ids=[s.stem for s in SPECS])
def test_a_new_target_renders_through_every_renderer_by_answering_its_questions(spec_path, tmp_path):
    spec = load_spec(spec_path)
    artifacts = render_stack(spec, MeshTarget())
    scraped = {job["job_name"]: job["static_configs"][0]["targets"]
               for job in yaml.safe_load(artifacts.files[PROMETHEUS_CONFIG])["scrape_configs"]}
    assert scraped["prometheus"] == [f"prometheus.monitoring.svc:{spec.stack.ports['prometheus']}"]
    assert all(scraped[s.name] == [f"{s.name}.apps.svc:{s.port}"] for s in spec.services)
    receivers = yaml.safe_load(artifacts.files[ALERTMANAGER_CONFIG])["receivers"]
    assert receivers and all(list(r) == ["name"] for r in receivers)
    assert yaml.safe_load(artifacts.files[DATASOURCES])["datasources"][0]["url"].startswith("http://prometheus.monitoring")
    assert artifacts.files["mesh/README.txt"] == f"{spec.name} on the mesh\n".encode()
    assert artifacts.root_files == {}
    out = write_scratch(artifacts, tmp_path)
    for command in (["promtool", "check", "config", PROMETHEUS_CONFIG], ["amtool", "check-config", ALERTMANAGER_CONFIG]):
        result = subprocess.run([require_tool(command[0]), *command[1:]], cwd=out, capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
