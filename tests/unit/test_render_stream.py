"""Rendering streams into serialisation: each document is rendered when the one before it has been taken and
only its bytes are kept, so a large spec's documents are never all held as data; the files come out in path order.
"""

from __future__ import annotations

import pytest

from stackgen.output.artifacts import serialise
from stackgen.pipeline import load
from stackgen.render import grafana, stack
from stackgen.targets.base import Document
from stackgen.targets.registry import COMPOSE, get_target


def test_a_dashboard_is_rendered_only_when_the_documents_before_it_are_taken(monkeypatch):
    spec = load().spec
    drawn: list[str] = []
    real = grafana.render_dashboard
    monkeypatch.setattr(grafana, "render_dashboard", lambda d: drawn.append(d.uid) or real(d))
    documents = stack.render_documents(spec, COMPOSE)
    taken = [next(documents) for _ in range(3)]
    assert drawn == [], f"dashboards drawn before their turn, after {[d.path for d in taken]}"
    rest = list(documents)
    assert drawn == [d.uid for d in spec.dashboards]
    assert len(rest) > len(spec.dashboards)


def test_serialised_files_are_in_path_order_whatever_order_they_are_rendered_in():
    documents = [Document("b/two.json", {"b": 2}, "json"), Document("compose.yml", {"c": 1}, "yaml", beside=True),
                 Document("a/one.md", "# one\n", "text")]
    artifacts = serialise(iter(documents), "spec.yaml")
    assert list(artifacts.files) == ["a/one.md", "b/two.json"]
    assert list(artifacts.root_files) == ["compose.yml"]
    assert artifacts.files["a/one.md"] == b"# one\n"


def test_two_documents_for_one_path_keep_the_last_rendered_as_before():
    documents = [Document("x.md", "first\n", "text"), Document("x.md", "second\n", "text")]
    assert serialise(documents, "spec.yaml").files == {"x.md": b"second\n"}


@pytest.mark.parametrize("target", ["compose", "kubernetes", "local"])
def test_every_target_renders_the_same_paths_as_its_documents_name(target):
    spec = load().spec
    paths = sorted((d.beside, d.path) for d in stack.render_documents(spec, get_target(target)))
    artifacts = serialise(stack.render_documents(spec, get_target(target)), spec.file)
    assert [(False, p) for p in artifacts.files] + [(True, p) for p in artifacts.root_files] == paths
