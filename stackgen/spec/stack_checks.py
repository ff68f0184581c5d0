"""Checks of the `stack:` section: where the stack's ports are published decides who can reach them.

Alertmanager and Prometheus ask for basic auth over plain HTTP (or for nothing, with `web_auth: false`), so
publishing them on every interface hands the network their password, or the power to silence alerts. A spec
may do it, but only by saying so.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker


def check_stack(c: Checker) -> None:
    stack = c.spec.stack
    path = ("stack", "bind_address")
    try:
        address = ipaddress.ip_address(stack.bind_address)
    except ValueError:
        c.add(path, f"{stack.bind_address!r} is not an IP address",
              "write an address such as 127.0.0.1 (this machine only) or the IP of one interface")
        return
    if address.is_unspecified and not stack.accept_unauthenticated_exposure:
        exposure = ("their password travels over plain HTTP" if stack.web_auth else
                    "they have no authentication: anyone who reaches them can silence alerts")
        c.add(path, f"{stack.bind_address} publishes the stack on every interface, and its Alertmanager and "
                    f"Prometheus with it: {exposure}",
              "bind to 127.0.0.1, or add 'accept_unauthenticated_exposure: true' under 'stack:' to say it is wanted")
