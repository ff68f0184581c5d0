"""Cross-field checks of the spec's exporters: their metrics, their secrets and how `stackgen up` runs them.

Exporter metrics are the exporter's naming: the naming lint never reads them. What is checked here is what
would break a stack: a metric declared twice, a secret written into the environment (the spec lands in git),
and a `command` that `up` and `verify` could not point at the port they give it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from stackgen.spec.secrets import secret_key, value_secret
from stackgen.spec.v1.exporters import Exporter

if TYPE_CHECKING:
    from stackgen.spec.checks import Checker, SpecPath

# `DATA_SOURCE_PASS` names a password too, in postgres_exporter's words.
_SECRET_ENV = re.compile(r"(^|_)(PASS|PASSWD|PASSWORD|TOKEN|SECRET|API_KEY|CREDENTIALS?)$", re.I)


def _secret_hint(key: str) -> str:
    return (f"read it from a file: under 'secrets:', write {key}_FILE: /run/secrets/<name> if the exporter takes "
            "one (the compose stack mounts secrets/<name> there)")


def check_exporter(c: Checker, path: SpecPath, exporter: Exporter, declared: dict[str, SpecPath]) -> None:
    seen: dict[str, SpecPath] = {}
    for j, metric in enumerate(exporter.metrics):
        where = path + ("metrics", j, "name")
        if metric.name in seen:
            first = c.source.place(seen[metric.name])
            c.add(where, f"duplicate metric '{metric.name}' in exporter '{exporter.name}'",
                  f"first declared {first}; declare it once" if first else "declare it once")
        elif metric.name in declared:
            also = c.source.place(declared[metric.name])
            c.add(where, f"'{metric.name}' is also declared under 'metrics:'" + (f" ({also})" if also else ""),
                  "declare it once: under the exporter that exposes it, or under 'metrics:' for a service's own")
        seen.setdefault(metric.name, where)
    for key, value in exporter.environment.items():
        what = value_secret(value)
        if secret_key(key) or _SECRET_ENV.search(key) or what:
            c.add(path + ("environment", key), f"'{key}' holds {what or 'a literal secret'}", _secret_hint(key))
    if exporter.command and not any("{port}" in arg for arg in exporter.command):
        c.add(path + ("command",), "the command does not say where to listen",
              "put {port} (and {host}) in its arguments, e.g. --web.listen-address={host}:{port}: "
              "`stackgen up` and `verify` give every component its port")


def check_exporters(c: Checker) -> None:
    declared: dict[str, SpecPath] = {m.name: ("metrics", i, "name") for i, m in enumerate(c.spec.metrics)}
    for i, exporter in enumerate(c.spec.exporters):
        check_exporter(c, ("exporters", i), exporter, declared)
