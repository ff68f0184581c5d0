"""Free loopback ports for the tests: the product's own reservation (see stackgen.local.ports)."""

from stackgen.local.ports import PortTaken, free_port, free_ports, start_on_free_ports

__all__ = ["PortTaken", "free_port", "free_ports", "start_on_free_ports"]
