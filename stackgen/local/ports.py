"""Free loopback ports for `stackgen verify`, the tests and benchmarks, without the bind-close-rebind race.

Binding port 0, reading the number and closing the socket leaves a window in which any other process asking for
port 0 may be handed the same number. Here a port is reserved instead: it is bound, connected to and closed from
the server side, so it sits in TIME_WAIT. Linux hands a TIME_WAIT port to no later bind(0) for a minute, while a
server that sets SO_REUSEADDR binds it at once (Go servers such as Prometheus, Alertmanager and node-exporter,
uvicorn, Python's http.server and the `stackgen up` preflight all do). A process that binds a fixed port can still
take one first: `start_on_free_ports` starts again on fresh ports when the server says so.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import TypeVar

HOST = "127.0.0.1"
T = TypeVar("T")


class PortTaken(Exception):
    """Raised by a `start` callback whose server could not bind a port it was given."""


def _reserve_port() -> tuple[int, socket.socket]:
    """A port left in TIME_WAIT, and the listener that still holds it (closed by the caller)."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, 0))
    listener.listen(1)
    with socket.create_connection(listener.getsockname()) as client:
        accepted, _ = listener.accept()
        accepted.close()  # the server side closes first, so the port (not the client's) enters TIME_WAIT
        client.recv(1)  # wait for the close to reach the client
    return listener.getsockname()[1], listener


def free_ports(count: int) -> list[int]:
    """`count` distinct loopback ports, reserved as the module docstring says."""
    reserved = [_reserve_port() for _ in range(count)]  # all held at once, so the numbers are distinct
    for _, listener in reserved:
        listener.close()
    return [port for port, _ in reserved]


def free_port() -> int:
    return free_ports(1)[0]


def start_on_free_ports(count: int, start: Callable[[list[int]], T], attempts: int = 3) -> T:
    """`start(ports)` on `count` free ports; when it raises PortTaken, start again on fresh ports."""
    for attempt in range(1, attempts + 1):
        try:
            return start(free_ports(count))
        except PortTaken:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable: attempts must be at least 1")
