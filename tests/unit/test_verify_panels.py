"""`stackgen verify`'s panel check against a Prometheus that has no data yet: it says how long it will wait
before it waits, and reports each panel that stayed empty."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler

import pytest
from support.http_server import serving

from stackgen.spec.loader import load_spec
from stackgen.verify.panels import check_panels
from stackgen.verify.report import FAILED, SKIPPED

pytestmark = pytest.mark.slow  # the check polls every 2 s: one wait however short the timeout


class EmptyPrometheus(BaseHTTPRequestHandler):
    """Every query succeeds with no series, as a Prometheus does before the first scrapes."""

    def do_GET(self) -> None:
        body = json.dumps({"status": "success", "data": {"resultType": "matrix", "result": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_the_panel_check_says_how_long_it_waits_before_it_waits_and_fails_the_panels_left_empty(cli, tmp_path):
    spec = tmp_path / "stackgen.yaml"
    assert cli("init", spec, "--name", "thumbs").exit_code == 0
    lines: list[str] = []
    with serving(EmptyPrometheus) as prometheus:
        results = check_panels(load_spec(spec), prometheus, 0.2, lines.append)
    assert lines == ["dashboard variables: none", "panels: waiting up to 0.2 s for 1 panel to have data",
                     "panels: 0 of 2 have data"]
    assert [(r.panel, r.status) for r in results] == [("Requests per second", FAILED), ("Error ratio", SKIPPED)]
