"""What the load path does to be fast leaves what it reads unchanged.

The exporter catalog is read with libyaml, and the spec's models build their validators with pydantic's plugins
off (as typer does for its own): the catalog's data must be what the pure-Python parser reads, and the
environment must be left as it was found.
"""

from __future__ import annotations

import os
from importlib import resources

import pytest
import yaml

from stackgen.spec import exporter_catalog
from stackgen.spec.structure import PLUGINS_VARIABLE, plugins_off
from stackgen.spec.v1.exporters import CATALOG_KINDS


@pytest.mark.parametrize("kind", CATALOG_KINDS)
def test_a_catalog_file_reads_the_same_with_libyaml_as_with_the_pure_python_parser(kind: str) -> None:
    text = resources.files("stackgen.spec").joinpath(f"exporters/{kind}.yaml").read_text(encoding="utf-8")
    assert exporter_catalog.CATALOG_LOADER is yaml.CSafeLoader  # PyYAML here is built with libyaml
    assert yaml.load(text, Loader=exporter_catalog.CATALOG_LOADER) == yaml.safe_load(text)


@pytest.mark.parametrize("before", [None, "", "some_plugin"])
def test_plugins_are_off_while_the_models_build_and_the_environment_is_restored_after(
        before: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    if before is None:
        monkeypatch.delenv(PLUGINS_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(PLUGINS_VARIABLE, before)
    with pytest.raises(RuntimeError), plugins_off():
        assert os.environ[PLUGINS_VARIABLE] == "1"
        raise RuntimeError("a failed load restores it too")
    assert os.environ.get(PLUGINS_VARIABLE) == before
