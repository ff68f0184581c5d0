"""Where the rendered stack runs: addresses differ, everything else is the same spec.

`compose`: containers on one compose network, reached by service name.
`local`: native processes on 127.0.0.1 (what `stackgen up` and the end-to-end tests run);
every receiver becomes a webhook to the local notification sink, so nothing leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from stackgen.model import Exporter, Service, Spec

CONTAINER_PORTS = {"prometheus": 9090, "alertmanager": 9093, "grafana": 3000}


@dataclass(frozen=True)
class Target:
    name: str

    @property
    def local(self) -> bool:
        return self.name == "local"

    def component(self, spec: Spec, name: str) -> str:
        """host:port of a stack component (prometheus, alertmanager, grafana, webhook)."""
        if self.local:
            return f"127.0.0.1:{spec.stack.ports[name]}"
        return f"{'localhost' if name == 'prometheus' else name}:{CONTAINER_PORTS[name]}"

    def service(self, service: Service) -> str:
        return f"{'127.0.0.1' if self.local else service.name}:{service.port}"

    def exporter(self, exporter: Exporter) -> str:
        return f"{'127.0.0.1' if self.local else exporter.name}:{exporter.port}"

    def sink_url(self, spec: Spec, receiver: str) -> str:
        """The local notification sink's URL for one receiver (local target only)."""
        return f"http://{self.component(spec, 'webhook')}/hooks/{receiver}"


COMPOSE = Target("compose")
LOCAL = Target("local")
TARGETS = {t.name: t for t in (COMPOSE, LOCAL)}
