"""The files the real tools read: `promtool test rules` the rule and test files, `amtool` the Alertmanager config.

Apart from the other outputs so that `stackgen test`, which renders these alone, loads no dashboard or guide
renderer (grafanalib, Jinja2); `render.stack` renders them with the rest.
"""

from __future__ import annotations

from collections.abc import Iterator

from stackgen.model import Spec
from stackgen.render.alert_tests import render_test_files
from stackgen.render.alertmanager import render_alertmanager_config
from stackgen.render.rule_files import render_rule_files
from stackgen.targets import layout
from stackgen.targets.base import Document, Target


def tool_documents(spec: Spec, target: Target) -> Iterator[Document]:
    """The rule files, the promtool test files and the Alertmanager config, as `generate` renders them."""
    yield from (Document(path, rules, "yaml") for path, rules in render_rule_files(spec).items())
    yield from (Document(path, tests, "yaml") for path, tests in render_test_files(spec).items())
    yield Document(layout.ALERTMANAGER_CONFIG, render_alertmanager_config(spec, target), "yaml")
