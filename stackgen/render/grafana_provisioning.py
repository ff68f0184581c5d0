"""Grafana provisioning: the Prometheus datasource and the folder of dashboards, present at first start.

The datasource uid is fixed here and nowhere else: every dashboard's `$datasource` variable starts on it, so
the dashboards work without an import step or a datasource picked by hand.
"""

from __future__ import annotations

from stackgen.model import Spec
from stackgen.render.web_config import WEB_USER
from stackgen.targets.base import Target

DATASOURCE_UID = "stackgen-prometheus"
# Where Grafana reads dashboard files; the compose stack mounts `<out>/grafana/dashboards` here.
DASHBOARDS_DIR = "/var/lib/grafana/dashboards"


def _basic_auth(spec: Spec, target: Target) -> dict:
    """Behind the stack's web auth, Grafana sends its user and the password from the mounted secret file
    (Grafana expands `$__file{...}` in provisioning files)."""
    password_file = target.web_password_file(spec)
    if password_file is None:
        return {}
    return {"basicAuth": True, "basicAuthUser": WEB_USER,
            "secureJsonData": {"basicAuthPassword": f"$__file{{{password_file}}}"}}


def render_datasources(spec: Spec, target: Target) -> dict:
    return {
        "apiVersion": 1,
        "datasources": [{
            "name": "Prometheus",
            "type": "prometheus",
            "uid": DATASOURCE_UID,
            "access": "proxy",
            "url": target.datasource_url(spec),
            "isDefault": True,
            "editable": False,
            # The scrape interval lets Grafana size $__rate_interval to cover at least four scrapes.
            "jsonData": {"timeInterval": spec.settings.scrape_interval, "httpMethod": "POST"},
            **_basic_auth(spec, target),
        }],
    }


def render_dashboard_provider(spec: Spec) -> dict:
    return {
        "apiVersion": 1,
        "providers": [{
            "name": "stackgen",
            "orgId": 1,
            "folder": spec.title,
            "type": "file",
            # The spec is the source of truth: edits in the UI would be lost at the next generate, and a
            # dashboard the spec no longer produces disappears from Grafana as its file does.
            "disableDeletion": False,
            "allowUiUpdates": False,
            "updateIntervalSeconds": 30,
            "options": {"path": DASHBOARDS_DIR, "foldersFromFilesStructure": False},
        }],
    }
