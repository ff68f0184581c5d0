"""Where every rendered file goes: the one list of output paths.

Paths are relative to the output folder (POSIX separators, as written into configs and manifests);
`COMPOSE_FILE` is the one file written beside that folder. Renderers, targets, the writer and the tools
that read rendered files all take their paths from here, so a file can be moved in one line.
"""

from __future__ import annotations

import posixpath

from stackgen.model import RUNBOOK_GUIDE

PROMETHEUS_CONFIG = "prometheus/prometheus.yml"
RECORDING_RULES = "prometheus/recording.yml"
ALERT_RULES = "prometheus/alerts.yml"
ALERT_TESTS = "prometheus/tests/alerts.test.yml"
SLO_RULES = "prometheus/slos.yml"  # the rules and alerts the spec's SLOs expand into; only with SLOs
SLO_TESTS = "prometheus/tests/slos.test.yml"  # their generated promtool cases, loading only what they read
ALERTMANAGER_CONFIG = "alertmanager/config.yml"
GUIDE = RUNBOOK_GUIDE  # the model owns it: runbook links in alert annotations point into the guide
DATASOURCES = "grafana/provisioning/datasources/prometheus.yml"
DASHBOARD_PROVIDER = "grafana/provisioning/dashboards/stackgen.yml"
DASHBOARDS_DIR = "grafana/dashboards"
PROVISIONING_DIR = "grafana/provisioning"
DEMO_DOCKERFILE = "service/Dockerfile"  # the demo service's image, built by the compose stack
MANIFEST = ".stackgen-manifest"  # marks the output folder as stackgen's; lists what it holds

COMPOSE_FILE = "docker-compose.monitoring.yml"  # beside the output folder, where `docker compose` runs

DEFAULT_OUT = "generated"


def dashboard_file(uid: str) -> str:
    return f"{DASHBOARDS_DIR}/{uid}.json"


def folder_of(path: str) -> str:
    """The folder a file sits in: `prometheus/alerts.yml` -> `prometheus`."""
    return posixpath.dirname(path)


def relative(path: str, start: str) -> str:
    """`path` as seen from the folder `start` (both in the output folder): how one file names another."""
    return posixpath.relpath(path, start)
