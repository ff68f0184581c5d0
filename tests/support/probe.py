"""Reading a running local stack over HTTP: Prometheus' and Alertmanager's APIs, the sink, service faults.

Used by the live tests and the latency benchmark; every call has a timeout, every wait a deadline.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from stackgen.local.webauth import read_password
from stackgen.verify.http import authorize, get_json, post_json

T = TypeVar("T")
__all__ = ["StackURLs", "get_json", "matches", "post_json", "wait_for"]
# What `stackgen up` prints before "stack up" when Prometheus and Alertmanager ask for basic auth.
CREDENTIALS_LINE = re.compile(r"ask for user (\S+) and the password in (\S+)")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float, every: float = 0.25) -> T:
    """Call `probe` until it returns something truthy; AssertionError naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(every)


@dataclass(frozen=True)
class StackURLs:
    prometheus: str
    alertmanager: str
    sink: str
    service: str

    def authorize(self, up_output: str) -> None:
        """Call Prometheus and Alertmanager with the credentials `stackgen up` named in its output."""
        found = CREDENTIALS_LINE.search(up_output)
        if found is None:
            raise AssertionError(f"`stackgen up` named no credentials:\n{up_output}")
        password = read_password(Path(found.group(2)))
        for url in (self.prometheus, self.alertmanager):
            authorize(url, found.group(1), password)

    def set_fault(self, fault: str, active: bool) -> Any:
        return post_json(f"{self.service}/admin/faults", {"fault": fault, "active": active})

    def faults(self) -> dict[str, dict]:
        return get_json(f"{self.service}/admin/faults")["faults"]

    def prom(self, path: str, **params: Any) -> Any:
        body = get_json(f"{self.prometheus}{path}", params or None)
        if body.get("status") != "success":
            raise AssertionError(f"Prometheus {path}: {body}")
        return body["data"]

    def prom_alerts(self, alertname: str, state: str | None = None) -> list[dict]:
        """Prometheus' pending and firing alerts of one name (optionally in one state)."""
        return [a for a in self.prom("/api/v1/alerts")["alerts"]
                if a["labels"].get("alertname") == alertname and (state is None or a["state"] == state)]

    def am_alerts(self, alertname: str) -> list[dict]:
        """Alertmanager's alerts of one name, active, inhibited or silenced."""
        return get_json(f"{self.alertmanager}/api/v2/alerts", {"filter": f'alertname="{alertname}"'})

    def post_alert(self, labels: dict[str, str], ends_at: str) -> None:
        """Send Alertmanager an alert of our own (RFC 3339 `ends_at`), as Prometheus would."""
        post_json(f"{self.alertmanager}/api/v2/alerts", [{"labels": labels, "endsAt": ends_at}])

    def notifications(self) -> list[dict]:
        return get_json(f"{self.sink}/notifications")

    def delivered(self, alertname: str, status: str = "firing", since: float = 0.0) -> list[tuple[str, dict, float]]:
        """(receiver, alert, received_at) of every notified alert of one name and status since `since`."""
        return [(n["receiver"], a, n["received_at"]) for n in self.notifications() if n["received_at"] >= since
                for a in n["payload"].get("alerts", [])
                if a["labels"].get("alertname") == alertname and a["status"] == status]


def matches(labels: dict[str, str], wanted: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in wanted.items())
