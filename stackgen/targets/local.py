"""The local target: native processes on 127.0.0.1, what `stackgen up` and the live tests run.

Every receiver becomes a webhook to the local notification sink, so nothing leaves the machine.
No extra files: the local runner starts the processes itself.
"""

from __future__ import annotations

from stackgen.frozen import Frozen
from stackgen.model import Exporter, Receiver, Service, Spec
from stackgen.targets.base import Document, Placement
from stackgen.targets.names import SUMMARIES

HOST = "127.0.0.1"
# Beside prometheus.yml (Prometheus resolves a relative path from its config's folder); the runner writes it.
WEB_PASSWORD_FILE = "web_password"


class LocalTarget(Frozen):
    name: str = "local"
    summary: str = SUMMARIES["local"]

    def component(self, spec: Spec, name: str) -> str:
        return f"{HOST}:{spec.stack.ports[name]}"

    def datasource_url(self, spec: Spec) -> str:
        return f"http://{self.component(spec, 'prometheus')}"

    def service(self, service: Service) -> str:
        return f"{HOST}:{service.port}"

    def exporter(self, exporter: Exporter) -> str:
        return f"{HOST}:{exporter.port}"

    def sink_url(self, spec: Spec, receiver: str) -> str:
        """The local notification sink's URL for one receiver."""
        return f"http://{self.component(spec, 'webhook')}/hooks/{receiver}"

    def web_password_file(self, spec: Spec) -> str | None:
        return WEB_PASSWORD_FILE if spec.stack.web_auth else None

    def receiver(self, spec: Spec, receiver: Receiver) -> Receiver:
        return Receiver(receiver.name, "webhook", {"url": self.sink_url(spec, receiver.name), "send_resolved": True})

    def own_documents(self, spec: Spec, placement: Placement) -> tuple[Document, ...]:
        return ()


LOCAL = LocalTarget()
