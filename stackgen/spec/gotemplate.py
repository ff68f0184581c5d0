"""Go's text/template parser, as Prometheus runs it on every alert label and annotation.

Prometheus (and `promtool check rules`) parses each label and annotation value as a Go template, with
`$labels`, `$externalLabels`, `$externalURL` and `$value` declared and its own functions defined, so a
stray `{{` makes the whole rule file invalid. This is a port of Go 1.19's text/template/parse (the Go that
builds the promtool we test against), so `validate` accepts exactly what promtool accepts; the tree it
builds is what `render/alert_template` executes for expected annotations. On top of Go's parse, the check
refuses a few templates Go parses but that can only fail when Prometheus expands them (see `_always_fails`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from stackgen.spec.gotemplate_lex import Item, TemplateError, go_number, go_unquote, lex
from stackgen.spec.suggest import did_you_mean

__all__ = ["FUNCTIONS", "Node", "TemplateError", "check_template", "parse_template"]

# Prometheus 2.42's template functions, then Go's builtins.
FUNCTIONS = frozenset({
    "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title",
    "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "humanize", "humanize1024", "humanizeDuration",
    "humanizePercentage", "humanizeTimestamp", "toTime", "pathPrefix", "externalURL", "parseDuration",
    "stripPort", "stripDomain",
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery",
    "eq", "ge", "gt", "le", "lt", "ne",
})
# Prometheus declares these before expanding a rule's template.
PREDECLARED = ("$", "$labels", "$externalLabels", "$externalURL", "$value")


@dataclass
class Node:
    """One node of the parsed template. kind: text, action, if, range, with, template, break, continue,
    pipe, command, field, variable, identifier, chain, constant, nil, dot."""

    kind: str
    value: object = None  # text, names, the constant, the template name
    children: list[Node] = field(default_factory=list)  # commands of a pipe, args of a command, ...
    body: list[Node] = field(default_factory=list)
    orelse: list[Node] = field(default_factory=list)
    decl: list[str] = field(default_factory=list)
    pipe: Node | None = None


class _Parser:
    def __init__(self, items: list[Item], variables: list[str]) -> None:
        self.items, self.at, self.vars, self.range_depth = items, 0, list(variables), 0
        self.defined: dict[str, list[Node]] = {}
        self.where = ""  # the action being parsed, for messages

    def next(self) -> Item:
        item = self.items[self.at]
        self.at += 1
        return item

    def peek(self) -> Item:
        return self.items[self.at]

    def next_non_space(self) -> Item:
        item = self.next()
        while item.kind == "space":
            item = self.next()
        return item

    def peek_non_space(self) -> Item:
        item = self.next_non_space()
        self.at -= 1
        return item

    def expect(self, kind: str, context: str) -> Item:
        item = self.next_non_space()
        if item.kind != kind:
            self.unexpected(item, context)
        return item

    def unexpected(self, item: Item, context: str) -> None:
        raise TemplateError(f"unexpected {item} in {context}")

    def parse(self) -> list[Node]:
        root: list[Node] = []
        while self.peek().kind != "eof":
            if self.peek().kind == "leftDelim":
                start = self.at
                self.next()
                if self.next_non_space().kind == "define":
                    self.definition()
                    continue
                self.at = start
            node = self.text_or_action()
            if node.kind in ("end", "else"):
                raise TemplateError(f"unexpected {{{{{node.kind}}}}}")
            root.append(node)
        return root

    def definition(self) -> None:
        name = self.next_non_space()
        if name.kind not in ("string", "rawString"):
            self.unexpected(name, "define clause")
        self.expect("rightDelim", "define clause")
        outer, self.vars = self.vars, ["$"]  # a definition sees only `$`
        body, end = self.item_list()
        self.vars = outer
        if end.kind != "end":
            raise TemplateError(f"unexpected {{{{{end.kind}}}}} in define clause")
        self.add_definition(go_unquote(name.value), body)

    def add_definition(self, name: str, body: list[Node]) -> None:
        if self.defined.get(name) and _nonempty(body):
            raise TemplateError(f"template: multiple definition of template {name!r}")
        if name not in self.defined or _nonempty(body):
            self.defined[name] = body

    def item_list(self) -> tuple[list[Node], Node]:
        nodes: list[Node] = []
        while self.peek_non_space().kind != "eof":
            node = self.text_or_action()
            if node.kind in ("end", "else"):
                return nodes, node
            nodes.append(node)
        raise TemplateError("unexpected EOF")

    def text_or_action(self) -> Node:
        item = self.next_non_space()
        if item.kind == "text":
            return Node("text", item.value)
        if item.kind == "leftDelim":
            self.where = f" in '{{{{ {item.value} }}}}'"
            return self.action()
        self.unexpected(item, "input")
        raise AssertionError

    def action(self) -> Node:
        item = self.next_non_space()
        if item.kind in ("break", "continue"):
            self.expect("rightDelim", f"{{{{{item.kind}}}}}")
            if self.range_depth == 0:
                raise TemplateError(f"{{{{{item.kind}}}}} outside {{{{range}}}}")
            return Node(item.kind)
        if item.kind == "else":
            if self.peek_non_space().kind != "if":
                self.expect("rightDelim", "else")
            return Node("else")
        if item.kind == "end":
            self.expect("rightDelim", "end")
            return Node("end")
        if item.kind in ("if", "range", "with"):
            return self.control(item.kind)
        if item.kind in ("template", "block"):
            return self.template(item.kind)
        self.at -= 1
        return Node("action", pipe=self.pipeline("command", "rightDelim"))

    def control(self, context: str) -> Node:
        depth = len(self.vars)
        node = Node(context, pipe=self.pipeline(context, "rightDelim"))
        self.range_depth += context == "range"
        node.body, end = self.item_list()
        self.range_depth -= context == "range"
        if end.kind == "else":
            if context == "if" and self.peek().kind == "if":
                self.next()
                node.orelse = [self.control("if")]
            else:
                node.orelse, end = self.item_list()
                if end.kind != "end":
                    raise TemplateError(f"expected end; found {{{{{end.kind}}}}}")
        del self.vars[depth:]
        return node

    def template(self, kind: str) -> Node:
        context = f"{kind} clause" if kind == "block" else "template clause"
        item = self.next_non_space()
        if item.kind not in ("string", "rawString"):
            self.unexpected(item, context)
        name = go_unquote(item.value)
        pipe = None
        if kind == "block" or self.next_non_space().kind != "rightDelim":
            if kind == "template":
                self.at -= 1
            pipe = self.pipeline(context, "rightDelim")
        if kind == "block":
            outer, self.vars = self.vars, ["$"]
            body, end = self.item_list()
            self.vars = outer
            if end.kind != "end":
                raise TemplateError(f"unexpected {{{{{end.kind}}}}} in {context}")
            self.add_definition(name, body)
        return Node("template", name, pipe=pipe)

    def pipeline(self, context: str, end: str) -> Node:
        pipe = Node("pipe")
        while self.peek_non_space().kind == "variable":
            start = self.at
            var = self.next_non_space()
            after = self.peek_non_space()
            if after.kind in ("assign", "declare"):
                self.next_non_space()
                pipe.value = after.kind == "assign"
                pipe.decl.append(var.value)
                self.vars.append(var.value)
                break
            if after.kind == "char" and after.value == ",":
                self.next_non_space()
                pipe.decl.append(var.value)
                self.vars.append(var.value)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().kind in ("variable", "rightDelim", "rightParen"):
                        continue
                    raise TemplateError("range can only initialize variables")
                raise TemplateError(f"too many declarations in {context}")
            self.at = start
            break
        while True:
            item = self.next_non_space()
            if item.kind == end:
                _check_pipeline(pipe, context)
                return pipe
            if item.kind not in _OPERAND_STARTS:
                self.unexpected(item, context)
            self.at -= 1
            pipe.children.append(self.command())

    def command(self) -> Node:
        cmd = Node("command")
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.children.append(operand)
            item = self.next()
            if item.kind == "space":
                continue
            if item.kind in ("rightDelim", "rightParen"):
                self.at -= 1
            elif item.kind != "pipe":
                self.unexpected(item, "operand")
            break
        if not cmd.children:
            raise TemplateError("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None or self.peek().kind != "field":
            return node
        names: list[str] = []
        while self.peek().kind == "field":
            names.extend(self.next().value[1:].split("."))
        if node.kind in ("variable", "field"):
            return Node(node.kind, [*node.value, *names])  # type: ignore[misc]
        if node.kind in ("constant", "nil", "dot"):
            raise TemplateError(f"unexpected . after term {node.value!r}")
        return Node("chain", names, children=[node])

    def term(self) -> Node | None:
        item = self.next_non_space()
        kind, text = item.kind, item.value
        if kind == "identifier":
            if text not in FUNCTIONS:
                close = did_you_mean(text, FUNCTIONS)
                raise TemplateError(f"'{text}' is not a template function{self.where}{f' ({close})' if close else ''}")
            return Node("identifier", text)
        if kind in ("dot", "nil"):
            return Node(kind, text)
        if kind == "variable":
            name = text.split(".")[0]
            if name not in self.vars:
                close = did_you_mean(name, self.vars) or "Prometheus defines $labels, $value, $externalLabels, $externalURL"
                raise TemplateError(f"undefined variable {name}{self.where} ({close})")
            return Node("variable", text.split("."))
        if kind == "field":
            return Node("field", text[1:].split("."))
        if kind == "bool":
            return Node("constant", text == "true")
        if kind in ("number", "charConstant", "complex"):
            return Node("constant", go_number(text, kind))
        if kind == "leftParen":
            return self.pipeline("parenthesized pipeline", "rightParen")
        if kind in ("string", "rawString"):
            return Node("constant", go_unquote(text))
        self.at -= 1
        return None


_OPERAND_STARTS = frozenset({"bool", "charConstant", "complex", "dot", "field", "identifier", "number", "nil",
                             "rawString", "string", "variable", "leftParen"})


def _nonempty(body: list[Node]) -> bool:
    return any(n.kind != "text" or str(n.value).strip() for n in body)


def _check_pipeline(pipe: Node, context: str) -> None:
    if not pipe.children:
        raise TemplateError(f"missing value for {context}")
    for stage, cmd in enumerate(pipe.children[1:], start=2):
        if cmd.children[0].kind in ("constant", "nil", "dot"):
            raise TemplateError(f"non executable command in pipeline stage {stage}")


def parse_template(text: str) -> tuple[list[Node], dict[str, list[Node]]]:
    """The template's tree and the templates it defines, or TemplateError where Go's parser stops."""
    parser = _Parser(lex(text), list(PREDECLARED))
    root = parser.parse()
    return root, parser.defined


def _walk(nodes: list[Node]) -> list[Node]:
    out: list[Node] = []
    for node in nodes:
        out.append(node)
        out.extend(_walk([*node.children, *node.body, *node.orelse, *([node.pipe] if node.pipe else [])]))
    return out


def _always_fails(nodes: list[Node]) -> str | None:
    """Why expanding the template can only fail, although Go parses it (Prometheus then logs an error and
    sends the error text as the annotation)."""
    for node in _walk(nodes):
        if node.kind == "command" and len(node.children) > 1 and node.children[0].kind != "identifier":
            return "only a function takes arguments (put a '|' before the function, or write the function first)"
        if node.kind == "command" and node.children[0].kind == "nil":
            return "nil is not a command"
    return None


@functools.lru_cache(maxsize=4096)  # alerts share their annotations' wording; a refused text is checked each time
def check_template(text: str) -> None:
    """Raise TemplateError if Prometheus would refuse `text` as an alert label or annotation template."""
    root, defined = parse_template(text)
    reason = _always_fails([*root, *(n for body in defined.values() for n in body)])
    if reason:
        raise TemplateError(reason)


