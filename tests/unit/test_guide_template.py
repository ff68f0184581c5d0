"""The guide's template ships compiled (render/guide_template.py): compiled from the template as it is now, it
renders every example spec exactly as the template itself does, and a template edited without compiling it again
is still rendered as written."""

from __future__ import annotations

import traceback

import jinja2
import pytest
from conftest import SPECS

from stackgen.pipeline import load
from stackgen.render import docs, guide_template
from stackgen.render.docs import guide_data, render_monitoring_guide
from stackgen.targets.base import Placement

REFRESH = "run `bash scripts/compile-templates.sh` and commit stackgen/render/guide_template.py"


def test_the_shipped_compiled_template_is_compiled_from_the_template_as_it_is_now():
    assert docs.source_digest(docs.template_source()) == guide_template.SOURCE_SHA256, \
        f"templates/{docs.TEMPLATE} changed since it was compiled: {REFRESH}"


def test_the_compiled_form_is_what_renders_the_guide():
    assert docs.load_template().root_render_func.__globals__ is vars(guide_template)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
@pytest.mark.parametrize("placement", [Placement(), Placement(out_name="site", spec="specs/x.yaml", environment="prod")],
                         ids=["default placement", "an environment's placement"])
def test_the_compiled_template_renders_every_example_as_the_template_does(path, placement):
    spec = load([path]).spec
    from_source = docs._ENV.from_string(docs.template_source()).render(**guide_data(spec, placement))
    assert render_monitoring_guide(spec, placement) == from_source


def test_a_template_edited_and_not_compiled_again_is_rendered_from_its_source(monkeypatch):
    edited = docs.template_source().replace("monitoring guide", "field guide", 1)
    monkeypatch.setattr(docs, "template_source", lambda: edited)
    assert ": field guide\n" in render_monitoring_guide(load().spec)


def test_another_jinja2_series_than_the_one_that_compiled_it_renders_from_the_source(monkeypatch):
    """A compiled template calls Jinja2's runtime, which a new minor release may change: the shipped form is
    used only under the series that compiled it."""
    assert docs.jinja2_series(jinja2.__version__) == guide_template.JINJA2_SERIES
    monkeypatch.setattr(jinja2, "__version__", "3.9.0")
    assert docs.load_template().root_render_func.__globals__ is not vars(guide_template)
    assert ": monitoring guide\n" in render_monitoring_guide(load().spec)


def test_an_error_in_the_compiled_template_names_the_templates_own_line():
    with pytest.raises(jinja2.UndefinedError) as caught:
        docs.load_template().render(spec=None)  # line 1 reads spec.file
    assert traceback.extract_tb(caught.value.__traceback__)[-1].lineno == 1
