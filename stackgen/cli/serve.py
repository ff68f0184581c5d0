"""`stackgen serve`: run the instrumented demo service of a spec on 127.0.0.1."""

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from stackgen.cli.common import EnvOption, SpecArg, guarded, load_linted, require_serve_extra

if TYPE_CHECKING:  # the model loads with the spec, not with `--help`
    from stackgen.model import Service, Spec

DEFAULT_PORT = 8443
DEMO_USER = "demo"


def listen_port(spec: "Spec", service: "Service", chosen_by_name: bool) -> int:
    """The spec's port for the service when it is unambiguous (the only one, or named), else DEFAULT_PORT."""
    return service.port if chosen_by_name or len(spec.services) == 1 else DEFAULT_PORT


def listen_host(value: str) -> str:
    """`--host` as an address this machine can listen on: a usage error (exit 64) names the option and what it
    takes, instead of the web server's own message and exit 3 after the spec is loaded."""
    import socket

    takes = "an address of this machine, e.g. 127.0.0.1, ::1, or 0.0.0.0 for every interface"
    try:
        family, _, _, _, address = socket.getaddrinfo(value, None, type=socket.SOCK_STREAM,
                                                      flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError):
        raise typer.BadParameter(f"'{value}' is neither an IP address nor a host name that resolves: give {takes}") \
            from None
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((address[0], 0))  # port 0: whether the address is ours, not whether a port is free
    except OSError as exc:
        raise typer.BadParameter(f"cannot listen on '{value}' ({exc.strerror}): give {takes}") from None
    return value


def serve(
    spec: Optional[Path] = SpecArg,
    host: str = typer.Option("127.0.0.1", "--host", callback=listen_host,
                             help="Address to listen on: an address of this machine, or 0.0.0.0 for all."),
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, show_default=False,
                                       help=f"Port (default: the service's port in the spec, else {DEFAULT_PORT})."),
    service: Optional[str] = typer.Option(None, "--service", show_default=False,
                                          help="Which service of the spec to be (default: the first)."),
    faults: bool = typer.Option(False, "--faults", help="Enable fault injection at /admin/faults."),
    tick: float = typer.Option(1.0, "--tick", min=0.05, max=60.0,
                               help="Seconds between probe, traffic and maintenance rounds."),
    traffic: bool = typer.Option(True, "--traffic/--no-traffic", help="Generate light background traffic."),
    env: Optional[str] = EnvOption,
) -> None:
    """Run the demo service: the spec's metrics on /metrics, health checks, login, SD-WAN simulation."""
    import secrets

    require_serve_extra("serve")
    import uvicorn

    from stackgen.service.app import ServeOptions, create_app, pick_service

    model = load_linted(spec, False, env).spec
    chosen = guarded(lambda: pick_service(model, service))
    password = secrets.token_urlsafe(12)  # a fresh demo login each run: nothing to leak or forget
    options = ServeOptions(faults=faults, tick=tick, traffic=traffic, users={DEMO_USER: password})
    asgi = guarded(lambda: create_app(model, chosen.name, options))
    port = port if port is not None else listen_port(model, chosen, service is not None)
    typer.echo(f"serving {model.file} service '{chosen.name}' on http://{host}:{port} "
               f"(metrics at {chosen.metrics_path}; demo login: {DEMO_USER} / {password}"
               f"{'; faults at /admin/faults' if faults else ''})", err=True)
    uvicorn.run(asgi, host=host, port=port, access_log=False, log_level="warning",
                ws_max_size=64 * 1024, limit_concurrency=512, timeout_graceful_shutdown=5)
