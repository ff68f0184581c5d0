"""Live: the local stack's Prometheus and Alertmanager ask for basic auth, and their own clients pass it.

Only the two servers of the default spec run here (on free loopback ports): an unauthenticated silence is
refused, the right password is accepted, and Prometheus reaches Alertmanager and scrapes both with it.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from conftest import require_tool
from support.ports import PortTaken, start_on_free_ports
from support.probe import get_json, wait_for

from stackgen.local.runner import Component, LocalStack, StackError, find_binaries, plan_stack
from stackgen.local.webauth import WebCredentials
from stackgen.process import moved_ports
from stackgen.spec.loader import load_spec

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("web-auth")]

SILENCE = {"matchers": [{"name": "alertname", "value": "PathDown", "isRegex": False}],
           "startsAt": "2026-01-01T00:00:00Z", "endsAt": "2036-01-01T00:00:00Z",
           "createdBy": "someone on the network", "comment": "muting every page"}


@dataclass(frozen=True)
class Servers:
    prometheus: Component
    alertmanager: Component

    @property
    def credentials(self) -> WebCredentials:
        assert self.alertmanager.auth is not None
        return self.alertmanager.auth


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    require_tool("prometheus")
    require_tool("prometheus-alertmanager")
    binaries = find_binaries()
    spec = load_spec(None)

    def start(free: list[int]) -> LocalStack:
        moved = moved_ports({"prometheus": free[0], "alertmanager": free[1], "webhook": free[2]})(spec)
        components = plan_stack(moved, None, binaries, tmp_path_factory.mktemp("auth"))
        stack = LocalStack([c for c in components if c.name in ("alertmanager", "prometheus")])
        try:
            stack.start(timeout=60)
        except StackError as exc:
            stack.stop()
            if "already in use" in str(exc):
                raise PortTaken(str(exc)) from exc
            raise
        return stack

    stack = start_on_free_ports(3, start)
    try:
        named = {c.name: c for c in stack.components}
        yield Servers(named["prometheus"], named["alertmanager"])
    finally:
        stack.stop()


def _post(url: str, body: object, authorization: str | None) -> int:
    headers = {"Content-Type": "application/json", **({"Authorization": authorization} if authorization else {})}
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_alertmanager_refuses_a_silence_without_credentials(servers):
    assert _post(f"{servers.alertmanager.url}/api/v2/silences", SILENCE, None) == 401


def test_alertmanager_refuses_a_silence_with_a_wrong_password(servers):
    user = servers.credentials.username
    assert _post(f"{servers.alertmanager.url}/api/v2/silences", SILENCE, _basic(user, "guess")) == 401


def test_alertmanager_takes_a_silence_with_the_stack_password(servers):
    assert _post(f"{servers.alertmanager.url}/api/v2/silences", SILENCE, _basic(*servers.credentials.pair)) == 200


def test_prometheus_refuses_a_query_without_credentials(servers):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{servers.prometheus.url}/api/v1/query?query=up", timeout=5)
    assert refused.value.code == 401


def test_prometheus_scrapes_itself_and_alertmanager_and_reaches_alertmanager_with_the_password(servers):
    def both_up() -> bool:
        result = get_json(f"{servers.prometheus.url}/api/v1/query", {"query": 'up{job=~"prometheus|alertmanager"}'})
        return sorted((r["metric"]["job"], r["value"][1]) for r in result["data"]["result"]) == [
            ("alertmanager", "1"), ("prometheus", "1")]

    wait_for("Prometheus to scrape itself and Alertmanager with the password", both_up, 60)
    alertmanagers = get_json(f"{servers.prometheus.url}/api/v1/alertmanagers")["data"]["activeAlertmanagers"]
    assert alertmanagers == [{"url": f"{servers.alertmanager.url}/api/v2/alerts"}]
