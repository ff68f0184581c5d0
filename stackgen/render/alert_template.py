"""Expected annotations: the alert's Go templates executed the way Prometheus executes them.

`spec/gotemplate` parses a template exactly as Go does; this walks the tree with the data Prometheus gives
an alert template (`$labels`, `$value`, `$externalLabels`, `$externalURL`, and the same fields under `.`)
and Prometheus' functions (`template_funcs`). What cannot be known from a test case (a query against the
TSDB, the server's URL, a format Go would print as an error) raises `NotStatic`, so a half-rendered
`{{ ... }}` is never written as an expected value: the case must then say the annotation itself.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from stackgen.errors import StackgenError
from stackgen.render.template_funcs import PROMETHEUS_FUNCTIONS, GoTime, NotStatic, go_float, go_g
from stackgen.spec.gotemplate import Node, TemplateError, parse_template


class UnrenderableAnnotation(StackgenError):
    """A firing case's expected annotation cannot be derived: the case must give it."""

    def __init__(self, alert: str, case: str, annotation: str, reason: str) -> None:
        self.alert, self.case, self.annotation, self.reason = alert, case, annotation, reason
        super().__init__(f"alert {alert}, case {case!r}: annotation {annotation!r} cannot be derived ({reason}); "
                         f"write the expected text of {annotation!r} under the case's 'annotations:'")


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def go_print(value: Any) -> str:
    """A value as Go's fmt.Sprint prints it inside a template."""
    if value is None:
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_print(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_print(v) for v in value) + "]"
    return str(value)


def truth(value: Any) -> bool:
    if isinstance(value, (GoTime, _Data)):
        return True
    return bool(value)


class _Data(dict):
    """The struct Prometheus passes as `.`: a missing field is an error, not an empty value."""


def _compare(op: Callable[[Any, Any], bool]) -> Callable[..., bool]:
    def compare(a: Any, *others: Any) -> bool:
        for b in others:
            if isinstance(a, bool) != isinstance(b, bool) or isinstance(a, str) != isinstance(b, str) \
                    or (type(a) is not type(b) and not (isinstance(a, int) and isinstance(b, int))):
                raise NotStatic(f"incompatible types for comparison: {go_print(a)} and {go_print(b)}")
        return any(op(a, b) for b in others) if op is operator.eq else op(a, others[0])
    return compare


def _sprint(*args: Any) -> str:
    out = ""
    for i, arg in enumerate(args):
        if i and not isinstance(arg, str) and not isinstance(args[i - 1], str):
            out += " "
        out += go_print(arg)
    return out


_VERB = re.compile(r"%([-+# 0]*)(\d*)(?:\.(\d*))?([a-zA-Z%])")


def go_printf(fmt: str, *args: Any) -> str:
    """Go's fmt.Sprintf for the verbs alert annotations use; anything Go would print as %!x(...) is refused."""
    values = list(args)

    def one(m: re.Match) -> str:
        flags, width, precision, verb = m.groups()
        if verb == "%":
            return "%"
        if not values:
            raise NotStatic(f"printf has no value for %{verb}")
        value = values.pop(0)
        spec = f"%{flags}{width}{'.' + precision if precision is not None else ''}"
        if verb in "vs" and not (verb == "v" and isinstance(value, float) and precision):
            return (spec + "s") % go_print(value)
        if verb == "q" and isinstance(value, str):
            return (spec + "s") % json.dumps(value, ensure_ascii=False)
        if verb == "t" and isinstance(value, bool):
            return (spec + "s") % go_print(value)
        if verb in "dxXob" and isinstance(value, int) and not isinstance(value, bool):
            return (spec + ("d" if verb == "b" else verb)) % value if verb != "b" else format(value, "b")
        if verb in "eEfFgG" and isinstance(value, (int, float)) and not isinstance(value, bool):
            if verb in "gG" and precision is None:
                return (spec + "s") % go_float(float(value))
            return re.sub(r"([eE][+-])(\d)$", r"\g<1>0\2", (spec + verb) % float(value))
        raise NotStatic(f"printf %{verb} of {go_print(value)!r}: Go would print an error marker")

    out = _VERB.sub(one, fmt)
    if values:
        raise NotStatic("printf has more values than verbs")
    return out


BUILTINS: dict[str, Callable[..., Any]] = {
    "not": lambda v: not truth(v), "len": lambda v: len(v), "print": _sprint,
    "println": lambda *a: " ".join(go_print(v) for v in a) + "\n", "printf": go_printf,
    "eq": _compare(operator.eq), "ne": _compare(operator.ne), "lt": _compare(operator.lt),
    "le": _compare(operator.le), "gt": _compare(operator.gt), "ge": _compare(operator.ge),
    "index": lambda v, *keys: _index(v, keys), "urlquery": lambda *a: urllib.parse.quote_plus(_sprint(*a)),
}


def _index(value: Any, keys: tuple[Any, ...]) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            raise NotStatic(f"cannot index {go_print(value)}")
        value = value.get(key, "")
    return value


def _known(value: Any) -> Any:
    if value is _NO_VALUE:
        raise NotStatic("it prints $value and the case gives no 'value:'")
    return value


class _Run:
    def __init__(self, defined: dict[str, list[Node]]) -> None:
        self.defined = defined
        self.vars: list[tuple[str, Any]] = []

    def lookup(self, name: str) -> Any:
        return _known(next(v for n, v in reversed(self.vars) if n == name))

    def nodes(self, nodes: list[Node], dot: Any) -> str:
        return "".join(self.node(n, dot) for n in nodes)

    def node(self, node: Node, dot: Any) -> str:
        if node.kind == "text":
            return str(node.value)
        if node.kind == "action":
            assert node.pipe is not None
            value = self.pipe(node.pipe, dot)
            return "" if node.pipe.decl else go_print(value)
        if node.kind in ("break", "continue"):
            raise _Break() if node.kind == "break" else _Continue()
        if node.kind == "template":
            if node.value not in self.defined:
                raise NotStatic(f"no template named {node.value!r}")
            inner_dot = self.pipe(node.pipe, dot) if node.pipe else None
            outer, self.vars = self.vars, [("$", inner_dot)]
            try:
                return self.nodes(self.defined[str(node.value)], inner_dot)
            finally:
                self.vars = outer
        return self.control(node, dot)

    def control(self, node: Node, dot: Any) -> str:
        depth = len(self.vars)
        try:
            assert node.pipe is not None
            value = self.pipe(node.pipe, dot)
            if node.kind == "range":
                return self.range(node, value, dot)
            if not truth(value):
                return self.nodes(node.orelse, dot)
            return self.nodes(node.body, value if node.kind == "with" else dot)
        finally:
            del self.vars[depth:]

    def range(self, node: Node, value: Any, dot: Any) -> str:
        if value is None or value == {} or value == []:
            return self.nodes(node.orelse, dot)
        if not isinstance(value, (dict, list)):
            raise NotStatic(f"range can't iterate over {go_print(value)}")
        pairs = sorted(value.items()) if isinstance(value, dict) else list(enumerate(value))
        out, depth = "", len(self.vars)
        for key, element in pairs:
            assert node.pipe is not None
            names = node.pipe.decl
            self.vars[depth:] = ([(names[0], element)] if len(names) == 1
                                 else [(names[0], key), (names[1], element)] if names else [])
            try:
                out += self.nodes(node.body, element)
            except _Break:
                break
            except _Continue:
                continue
        return out

    def pipe(self, pipe: Node, dot: Any) -> Any:
        value: Any = _MISSING
        for cmd in pipe.children:
            value = self.command(cmd, dot, value)
        for name in pipe.decl:
            if pipe.value:  # `$x = ...` assigns the innermost $x
                index = max(i for i, (n, _) in enumerate(self.vars) if n == name)
                self.vars[index] = (name, value)
            else:
                self.vars.append((name, value))
        return value

    def command(self, cmd: Node, dot: Any, final: Any) -> Any:
        head, args = cmd.children[0], cmd.children[1:]
        if head.kind == "identifier":
            values = [self.arg(a, dot) for a in args] + ([] if final is _MISSING else [final])
            return self.call(str(head.value), values)
        if args or final is not _MISSING:
            raise NotStatic("only a function takes arguments")
        return self.arg(head, dot)

    def call(self, name: str, values: list[Any]) -> Any:
        if name in ("and", "or"):
            for v in values[:-1]:
                if truth(v) == (name == "or"):
                    return v
            return values[-1]
        function = BUILTINS.get(name) or PROMETHEUS_FUNCTIONS.get(name)
        if function is None:
            raise NotStatic(f"'{name}' is not available in a test case")
        try:
            return function(*values)
        except (TypeError, ValueError, AttributeError, re.error) as exc:
            raise NotStatic(f"{name}: {exc}") from None

    def arg(self, node: Node, dot: Any) -> Any:
        if node.kind == "constant":
            return node.value
        if node.kind == "dot":
            return dot
        if node.kind == "nil":
            raise NotStatic("nil is not a command")
        if node.kind == "identifier":
            return self.call(str(node.value), [])
        if node.kind == "pipe":
            return self.pipe(node, dot)
        names = list(node.value)  # type: ignore[call-overload]
        if node.kind == "variable":
            return self.fields(self.lookup(names[0]), names[1:])
        if node.kind == "chain":
            return self.fields(self.arg(node.children[0], dot), names)
        return self.fields(dot, names)

    def fields(self, value: Any, names: list[str]) -> Any:
        for name in names:
            if isinstance(value, _Data):
                if name not in value:
                    raise NotStatic(f"can't evaluate field {name}")
                value = _known(value[name])
            elif isinstance(value, dict):
                value = value.get(name, "")  # Prometheus sets missingkey=zero
            else:
                raise NotStatic(f"can't evaluate field {name} in {go_print(value)}")
        return value


_MISSING = object()
_NO_VALUE = object()  # $value when the case gives no 'value:'


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[list[Node], dict[str, list[Node]]]:
    """Parsed once per distinct text: every case of an alert expands the same annotations (never mutated)."""
    return parse_template(text)


def expand_template(text: str, labels: dict[str, str], value: float | None,
                    external_labels: dict[str, str] | None = None) -> str:
    """The text as Prometheus expands it for an alert with these labels and value; NotStatic if it cannot be
    known here. The external URL is what promtool uses when a test sets none: empty."""
    if "{{" not in text:
        return text
    try:
        root, defined = _parsed(text)
    except TemplateError as exc:
        raise NotStatic(f"invalid template: {exc}") from None
    data = _Data(Labels=dict(labels), ExternalLabels=dict(external_labels or {}), ExternalURL="",
                 Value=_NO_VALUE if value is None else float(value))
    run = _Run(defined)
    run.vars = [("$", data), ("$labels", data["Labels"]), ("$externalLabels", data["ExternalLabels"]),
                ("$externalURL", ""), ("$value", data["Value"])]
    try:
        return run.nodes(root, data)
    except (_Break, _Continue):
        raise NotStatic("break outside range") from None


__all__ = ["NotStatic", "UnrenderableAnnotation", "expand_template", "go_g", "go_print"]
