"""`render_python_module`: one service's metrics as a typed Python module, so editors complete their names.

The module holds one attribute per declared metric; a labelled one has a `labels()` whose keyword arguments
are the declared label names, so a typo is caught by the editor and mypy, not in production. It embeds the
declarations (with their spec lines) and builds its collectors with `SpecMetricSet`, so it needs no spec
file at run time, and `stackgen codegen python --check` tells when it has fallen behind the spec.
A pure function: same spec, service and file name in, same text out.
"""

from __future__ import annotations

import json
import keyword
import math
import re
import textwrap

from stackgen.instrument.specfile import Declared, InstrumentError, ServiceSpec
from stackgen.model import Metric

CLIENT_CLASSES = {"counter": "Counter", "gauge": "Gauge", "histogram": "Histogram", "summary": "Summary"}
RESERVED_ATTRIBUTES = frozenset({"registry", "spec_metrics"})  # the generated class's own attributes
_STRING_WIDTH = 90  # long help texts are split into adjacent literals, to stay within any line limit


def _identifier(name: str) -> str:
    """A Python name for a metric or label name: ':' (recording-rule style) becomes '_', keywords get '_'."""
    text = name.replace(":", "_")
    return text + "_" if keyword.iskeyword(text) or text == "self" else text


def _class_name(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_:\-]+", name) if part)


def _string(text: str, indent: str) -> str:
    """A Python literal for any text, split across lines when long; json's escapes are Python's too."""
    chunks = textwrap.wrap(text, _STRING_WIDTH, drop_whitespace=False, replace_whitespace=False) or [""]
    literals = [json.dumps(c, ensure_ascii=False) for c in chunks]
    if len(literals) == 1:
        return literals[0]
    return "(\n" + "".join(f"{indent}    {lit}\n" for lit in literals) + f"{indent})"


def _doc(text: str) -> str:
    """Text safe inside a triple-quoted docstring, on one line."""
    return " ".join(text.split()).replace("\\", "\\\\").replace('"""', '\\"\\"\\"').rstrip('"') or "(no help)"


def _number(value: float) -> str:
    if isinstance(value, float) and math.isinf(value):
        return 'float("inf")' if value > 0 else 'float("-inf")'
    return repr(value)


def _tuple(literals: list[str]) -> str:
    return f"({literals[0]},)" if len(literals) == 1 else f"({', '.join(literals)})"


def _declaration(item: Declared) -> str:
    metric = item.metric
    lines = ["    Declared(\n", "        Metric(\n",
             f"            name={json.dumps(metric.name)},\n",
             f"            type={json.dumps(metric.type)},\n",
             f"            help={_string(metric.help, ' ' * 12)},\n"]
    if metric.labels:
        lines.append(f"            labels={_tuple([json.dumps(n) for n in metric.labels])},\n")
    if metric.buckets:
        lines.append(f"            buckets={_tuple([_number(b) for b in metric.buckets])},\n")
    lines += ["        ),\n", "        file=SPEC_FILE,\n", f"        line={item.line},\n", "    ),\n"]
    return "".join(lines)


def _labels_class(metric: Metric) -> str:
    client = CLIENT_CLASSES[metric.type]
    params = ", ".join(f"{_identifier(n)}: str" for n in metric.labels)
    if all(_identifier(n) == n for n in metric.labels):
        call = ", ".join(f"{n}={n}" for n in metric.labels)
    else:
        call = "**{" + ", ".join(f"{json.dumps(n)}: {_identifier(n)}" for n in metric.labels) + "}"
    return (f"class {_class_name(metric.name)}:\n"
            f'    """{_doc(metric.help)}"""\n\n'
            f"    def __init__(self, collector: {client}) -> None:\n"
            "        self.collector = collector\n\n"
            f"    def labels(self, *, {params}) -> {client}:\n"
            f"        return self.collector.labels({call})\n")


def _attribute_type(metric: Metric) -> str:
    return _class_name(metric.name) if metric.labels else CLIENT_CLASSES[metric.type]


def _check_names(service: ServiceSpec, class_name: str) -> None:
    """Generated names must not collide: two metrics spelt alike once ':' and case are folded, or a reserved one."""
    seen: dict[str, str] = {class_name: f"the class of service '{service.service}'"}
    for metric in service.metrics:
        for name in (_identifier(metric.name), _class_name(metric.name)):
            if name in seen or name in RESERVED_ATTRIBUTES:
                other = seen.get(name, "an attribute of the generated class")
                raise InstrumentError(f"{service.file}: metrics[{metric.name}]: its Python name '{name}' collides "
                                      f"with {other} (rename one of them in the spec)")
            seen[name] = f"metric '{metric.name}'"


def render_python_module(service: ServiceSpec, command: str) -> str:
    """The typed module of `service`'s metrics; `command` is the one that regenerates it, for the header."""
    class_name = _class_name(service.service) + "Metrics"
    _check_names(service, class_name)
    metrics = service.metrics
    clients = sorted({CLIENT_CLASSES[m.type] for m in metrics})
    out = [f"# Generated by stackgen from {service.file} (service {service.service}). Do not edit: change the spec\n",
           f"# and run `{command}`.\n",
           f'"""The metrics of service \'{_doc(service.service)}\', as the spec declares them: one attribute each."""\n\n',
           "from __future__ import annotations\n\n",
           f"from prometheus_client import {', '.join(['CollectorRegistry', *clients])}\n\n",
           "from stackgen.instrument import Declared, Metric, SpecMetricSet\n\n",
           f"SPEC_FILE = {json.dumps(service.file)}\n",
           f"SERVICE = {json.dumps(service.service)}\n\n",
           "DECLARED = (\n", *(_declaration(d) for d in service.declared), ")\n"]
    out += [f"\n\n{_labels_class(m)}" for m in metrics if m.labels]
    out += [f"\n\nclass {class_name}:\n",
            f'    """Every metric of service \'{_doc(service.service)}\', in `registry` (a fresh one by default)."""\n\n']
    for metric in metrics:
        out.append(f"    {_identifier(metric.name)}: {_attribute_type(metric)}\n")
        out.append(f'    """{_doc(metric.help)}"""\n')
    out += ["\n    def __init__(self, registry: CollectorRegistry | None = None) -> None:\n",
            "        self.spec_metrics = SpecMetricSet(DECLARED, registry)\n",
            "        self.registry = self.spec_metrics.registry\n"]
    for metric in metrics:
        collector = f"self.spec_metrics[{json.dumps(metric.name)}]"
        value = f"{_class_name(metric.name)}({collector})" if metric.labels else collector
        out.append(f"        self.{_identifier(metric.name)} = {value}\n")
    return "".join(out)
