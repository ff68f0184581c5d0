"""The default images: pinned by tag and digest in one place, and the README documents exactly those."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from stackgen.spec.catalog import DEFAULT_IMAGES

README = (ROOT / "README.md").read_text()
PIN = re.compile(r"^(?P<repo>[\w./-]+):(?P<tag>v?\d+\.\d+\.\d+)@sha256:[0-9a-f]{64}$")
COMPONENTS = {"Prometheus": "prometheus", "Alertmanager": "alertmanager", "Grafana": "grafana",
              "node-exporter": "node_exporter"}


def readme_images() -> dict[str, str]:
    """component -> image, from the rows of the README's "Images" table."""
    section = README.split("### Images", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| ([\w-]+) \| `([^`]+)` \|", section, re.M)
    return {COMPONENTS[name]: image for name, image in rows}


@pytest.mark.parametrize("component", sorted(DEFAULT_IMAGES))
def test_every_default_image_is_pinned_by_a_release_tag_and_a_digest(component):
    assert PIN.match(DEFAULT_IMAGES[component]), DEFAULT_IMAGES[component]


def test_the_readme_documents_exactly_the_pinned_images():
    assert readme_images() == DEFAULT_IMAGES


@pytest.mark.parametrize("component, line", [("prometheus", "v3.13."), ("grafana", "12.4.")],
                         ids=["prometheus on the 3.13 LTS line", "grafana on the 12.4 extended-support line"])
def test_the_pins_stay_on_the_supported_lines_the_readme_names(component, line):
    assert PIN.match(DEFAULT_IMAGES[component])["tag"].startswith(line)
