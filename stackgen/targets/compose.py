"""The compose target: containers on one compose network, reached by service name.

Receivers deliver as the spec says. Besides the common configs it writes the compose file beside the
output folder, which bind-mounts that folder and, for the demo service, the user's spec; and, when a
demo service runs, the Dockerfile of its image inside the output folder.
"""

from __future__ import annotations

from stackgen.frozen import Frozen
from stackgen.model import Exporter, Receiver, Service, Spec
from stackgen.render.compose import CONTAINER_PORTS, WEB_PASSWORD_TARGET, render_compose_file
from stackgen.targets.base import Document, Placement
from stackgen.targets.names import SUMMARIES


class ComposeTarget(Frozen):
    name: str = "compose"
    summary: str = SUMMARIES["compose"]

    def component(self, spec: Spec, name: str) -> str:
        # Prometheus scrapes itself inside its own container.
        return f"{'localhost' if name == 'prometheus' else name}:{CONTAINER_PORTS[name]}"

    def datasource_url(self, spec: Spec) -> str:
        return f"http://prometheus:{CONTAINER_PORTS['prometheus']}"

    def service(self, service: Service) -> str:
        return f"{service.name}:{service.port}"

    def exporter(self, exporter: Exporter) -> str:
        return f"{exporter.name}:{exporter.port}"

    def web_password_file(self, spec: Spec) -> str | None:
        return WEB_PASSWORD_TARGET if spec.stack.web_auth else None

    def receiver(self, spec: Spec, receiver: Receiver) -> Receiver:
        return receiver

    def own_documents(self, spec: Spec, placement: Placement) -> tuple[Document, ...]:
        return render_compose_file(spec, placement)


COMPOSE = ComposeTarget()
