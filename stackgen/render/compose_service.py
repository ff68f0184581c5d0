"""The spec's own services as compose containers: the user's image, or stackgen's demo service.

A service that names an `image:` runs that image. A demo service (the embedded example, or a spec that
asks for the demo) runs `stackgen serve` in an image built from a Dockerfile that generate writes into
the output folder, so the stack starts from `pip install` alone: no file from stackgen's source tree is
needed. The image installs stackgen from the package index by default (`STACKGEN_REQUIREMENT` build
argument to install it from elsewhere) and mounts the user's spec at run time.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from stackgen import __version__
from stackgen.model import Service, Spec
from stackgen.spec.catalog import DEMO_BASE_IMAGE
from stackgen.spec.environments import overlay_path
from stackgen.targets.base import Placement
from stackgen.targets.layout import DEMO_DOCKERFILE, folder_of

SPEC_DIR = "/etc/stackgen/specs"
REQUIREMENT_ARG = "STACKGEN_REQUIREMENT"
DEMO_USER_ID = 10001


def render_demo_dockerfile() -> str:
    """The demo service's image: stackgen installed into a slim Python image, run as a non-root user."""
    return "\n".join([
        "# The instrumented demo service (`stackgen serve`) of the compose stack, built by docker compose.",
        f"# Build from another source: --build-arg {REQUIREMENT_ARG}='stackgen @ git+https://...'",
        f"FROM {DEMO_BASE_IMAGE}",
        f"ARG {REQUIREMENT_ARG}=stackgen=={__version__}",
        f'RUN pip install --no-cache-dir "${REQUIREMENT_ARG}" \\',
        f"    && useradd --system --uid {DEMO_USER_ID} --home-dir /var/lib/stackgen --create-home stackgen",
        f"USER {DEMO_USER_ID}",
        "WORKDIR /var/lib/stackgen",
        'CMD ["stackgen", "serve", "--host", "0.0.0.0"]',
        "",
    ])


def _demo_spec(spec: Spec, placement: Placement) -> tuple[list[str], list[dict]]:
    """The spec argument of `stackgen serve` in the container, and the mount that puts it there.

    The user's spec is mounted from its path relative to the compose file (long syntax: a missing file
    is an error at start, not an empty folder made by Docker). The embedded example is in the package.
    """
    if placement.spec is None:
        return [], []
    files = [placement.spec]
    if placement.environment:  # the service serves the environment's spec: its overlay is mounted beside it
        files.append(overlay_path(PurePosixPath(placement.spec), placement.environment).as_posix())
    mounts = [{"type": "bind", "source": file if file.startswith("../") else f"./{file}",
               "target": f"{SPEC_DIR}/{PurePosixPath(file).name}", "read_only": True} for file in files]
    env = ["--env", placement.environment] if placement.environment else []
    return [str(mounts[0]["target"]), *env], mounts


def health_probe(service: Service) -> dict:
    """A healthcheck on the service's own health path (live, else basic, else its metrics path).

    Python's urllib, so it needs nothing but the interpreter a Python service's image already has.
    """
    path = service.health.get("live") or service.health.get("basic") or service.metrics_path
    url = f"{service.scheme}://127.0.0.1:{service.port}{path}"
    probe = f"import urllib.request; urllib.request.urlopen({url!r}, timeout=4)"
    return {"test": ["CMD", "python3", "-c", probe], "interval": "30s", "timeout": "5s", "retries": 3,
            "start_period": "20s"}


def service_container(spec: Spec, service: Service, placement: Placement) -> dict:
    """What runs for one spec service: its image and command, or the demo built beside the config."""
    if service.image:
        return {"image": service.image, "command": list(service.command), "volumes": [],
                "healthcheck": health_probe(service)}
    spec_arg, mounts = _demo_spec(spec, placement)
    command = list(service.command) or ["stackgen", "serve", *spec_arg, "--service", service.name,
                                        "--host", "0.0.0.0", "--port", str(service.port)]
    build = {"context": f"./{placement.out_name}/{folder_of(DEMO_DOCKERFILE)}"}
    return {"build": build, "command": command, "volumes": mounts, "healthcheck": health_probe(service)}
