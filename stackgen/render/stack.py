"""All artifacts of one spec for one target, as serialised bytes keyed by their path."""

from __future__ import annotations

from dataclasses import dataclass, field

from stackgen.model import Spec
from stackgen.render.alertmanager import render_alertmanager_config
from stackgen.render.prometheus import render_prometheus_config
from stackgen.render.rules import render_alert_rules, render_recording_rules
from stackgen.render.target import Target
from stackgen.serialize import dump_yaml


@dataclass
class Artifacts:
    """`files` live in the output folder; `root_files` beside it (the compose file)."""

    files: dict[str, bytes] = field(default_factory=dict)
    root_files: dict[str, bytes] = field(default_factory=dict)


def render_stack(spec: Spec, target: Target, out_name: str = "generated") -> Artifacts:
    """Every output of `spec`, ready to write. Pure: same spec and target, same bytes."""
    source = spec.file
    files = {
        "prometheus/prometheus.yml": dump_yaml(render_prometheus_config(spec, target), source),
        "prometheus/recording.yml": dump_yaml(render_recording_rules(spec), source),
        "prometheus/alerts.yml": dump_yaml(render_alert_rules(spec), source),
        "alertmanager/config.yml": dump_yaml(render_alertmanager_config(spec, target), source),
    }
    return Artifacts(files=dict(sorted(files.items())))
