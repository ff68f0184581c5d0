"""Which exporters `stackgen up` and `verify` can run on this machine, and how, and what stands in for the rest.

An exporter runs from the spec's `command` (with {host} and {port} filled in), or for a catalog kind from
its binary on PATH (Debian's name first, then upstream's), listening where the runner says. Anything else
is not run, and its scrape job is dropped rather than left down: the hint says which and why. A service that
names an `image:` is not run from its image here: stackgen's demo service stands in, and a note says so.
"""

from __future__ import annotations

import shutil
from collections.abc import Collection
from dataclasses import replace

from stackgen.model import Exporter, Spec
from stackgen.process import Processor
from stackgen.targets.local import HOST


def _fill(arg: str, exporter: Exporter) -> str:
    # str.replace, not format: an argument may hold braces of its own (a JSON flag, a regex).
    return arg.replace("{host}", HOST).replace("{port}", str(exporter.port))


def local_command(exporter: Exporter, node_exporter: str | None) -> list[str] | None:
    """The command that runs `exporter` on 127.0.0.1, or None when this machine cannot run it."""
    if exporter.command:
        return [_fill(arg, exporter) for arg in exporter.command]
    if exporter.kind == "node":
        binary = node_exporter  # found (or named with --node-exporter) by `find_binaries`
    else:
        binary = next((path for path in map(shutil.which, exporter.binaries) if path), None)
    return [binary, *(_fill(arg, exporter) for arg in exporter.listen_args)] if binary else None


def local_environment(exporter: Exporter) -> dict[str, str]:
    """What the exporter's process gets besides the runner's own environment: its variables, its secret paths."""
    return {**exporter.environment, **exporter.secrets}


def ready_path(exporter: Exporter) -> str:
    """Where the runner asks whether it is up: a probe path with parameters answers 400 without them."""
    return "/" if exporter.params else exporter.metrics_path


def unrunnable(spec: Spec, node_exporter: str | None) -> tuple[Exporter, ...]:
    return tuple(e for e in spec.exporters if local_command(e, node_exporter) is None)


def dropping_exporters(names: Collection[str]) -> Processor:
    """A processor that drops the named exporters' scrape jobs (a job that can never be up is not a test)."""
    def drop(spec: Spec) -> Spec:
        return replace(spec, exporters=tuple(e for e in spec.exporters if e.name not in names))
    return drop


def unrunnable_hint(exporters: Collection[Exporter]) -> str:
    """One line per exporter that is not run: why, and what would run it."""
    lines = []
    for e in exporters:
        found = " or ".join(e.binaries) + " on PATH" if e.binaries else "image-only exporter"
        lines.append(f"not running or scraping {e.name}: no 'command:' and no {found} "
                     f"(give the exporter a command with {{host}} and {{port}}"
                     + (", or install the Debian package " + e.binaries[0] if e.binaries else "") + ")")
    return "\n".join(lines)


def stand_in_notes(spec: Spec) -> list[str]:
    """A line per service that names an `image:`: the local stack runs stackgen's demo service in its place."""
    return [f"{s.name}: running stackgen's demo service in place of image {s.image} (it serves the metrics the "
            "spec declares for it; the image runs under docker compose)" for s in spec.services if s.image]
