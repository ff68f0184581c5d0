"""A parse check for the Go templates Prometheus expands in alert labels and annotations.

Prometheus (and `promtool check rules`) parses every label and annotation value as a Go text/template, so a
stray `{{` in a summary makes the whole rule file invalid. This checker accepts a conservative subset of the
template language: whatever it accepts, Go parses; some unusual but valid templates may be refused, with a
message that says what to change. Text outside `{{ ... }}` is free, including a lone `}}`.
"""

from __future__ import annotations

import re

from stackgen.spec.suggest import did_you_mean

# Functions Prometheus 2.x defines for alert templates, and Go's builtins.
FUNCTIONS = frozenset({
    "args", "first", "label", "value", "strvalue", "graphLink", "tableLink", "humanize", "humanize1024",
    "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "match", "reReplaceAll", "safeHtml", "title",
    "toUpper", "toLower", "stripPort", "parseDuration", "query", "sortByLabel", "externalURL", "pathPrefix",
    "and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery",
    "eq", "ge", "gt", "le", "lt", "ne",
})
# Prometheus declares these before expanding a rule's template.
PREDECLARED = frozenset({"$", "$labels", "$externalLabels", "$externalURL", "$value"})
OPENERS = frozenset({"if", "range", "with"})
LITERALS = frozenset({"true", "false"})  # `nil` is not a command in Go
_TOKEN = re.compile(r"""
    (?P<space>[ \t\r\n]+)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<raw>`[^`]*`)
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+))(?![\w.])
  | (?P<variable>\$[A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<field>(?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<declare>:=)
  | (?P<punct>[()|=])
""", re.X)


class TemplateError(ValueError):
    """The text would not parse as a Prometheus alert template."""


def _check_action(tokens: list[tuple[str, str]], declared: set[str], blocks: list, action: str) -> set[str]:
    """Check one action; returns the variables in scope after it (blocks hold the scope they opened in)."""
    if not tokens:
        raise TemplateError("empty template action '{{}}'")
    kind, first = tokens[0]
    if (kind, first) == ("word", "end"):
        if not blocks:
            raise TemplateError("'{{ end }}' without an open if, range or with")
        if len(tokens) > 1:
            raise TemplateError("'{{ end }}' takes nothing after it")
        return blocks.pop()[1]
    if (kind, first) == ("word", "else"):
        if not blocks:
            raise TemplateError("'{{ else }}' outside an if, range or with")
        if len(tokens) == 1:
            return declared
        if tokens[1] != ("word", "if"):
            raise TemplateError(f"'{{{{ {action} }}}}': else takes nothing after it, or 'if' and a condition")
        tokens = tokens[2:]
    elif kind == "word" and first in OPENERS:
        blocks.append((first, set(declared)))
        tokens = tokens[1:]
    if len(tokens) > 2 and tokens[0][0] == "variable" and tokens[1] in (("declare", ":="), ("punct", "=")):
        if tokens[1][1] == "=" and tokens[0][1] not in declared:
            raise TemplateError(f"assignment to undeclared variable {tokens[0][1]}")
        _check_pipeline(tokens[2:], declared, action)
        return declared | {tokens[0][1]}
    _check_pipeline(tokens, declared, action)
    return declared


def _check_pipeline(tokens: list[tuple[str, str]], declared: set[str], action: str) -> None:
    """Commands separated by `|`; each starts with a function, or is one value; later ones with a function."""
    where = f"in '{{{{ {action} }}}}'"
    depth, operands, stage, head = 0, 0, 0, ""  # head: the kind of the command's first operand
    for kind, text in tokens + [("end", "|")]:
        if kind == "end" and depth:
            raise TemplateError(f"unclosed '(' {where}")
        if text == "|" and depth == 0:
            if operands == 0:
                raise TemplateError(f"missing value {where} (a pipe needs a command on each side)")
            if head != "function" and operands > 1:
                raise TemplateError(f"only a function takes arguments {where}")
            operands, stage = 0, stage + 1
            continue
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth < 0:
                raise TemplateError(f"unbalanced parentheses {where}")
        elif kind in ("declare", "punct"):
            raise TemplateError(f"unexpected {text!r} {where}")
        elif kind == "word" and text not in FUNCTIONS and text not in LITERALS:
            close = did_you_mean(text, FUNCTIONS)
            raise TemplateError(f"'{text}' is not a template function {where}{f' ({close})' if close else ''}")
        elif kind == "variable" and text.split(".")[0] not in declared:
            name = text.split(".")[0]
            close = did_you_mean(name, declared) or "Prometheus defines $labels, $value, $externalLabels, $externalURL"
            raise TemplateError(f"undefined variable {name} {where} ({close})")
        if depth == 0 or text == "(":
            if operands == 0:
                head = "function" if kind == "word" and text in FUNCTIONS else kind
                if stage > 0 and head != "function":
                    raise TemplateError(f"after a pipe comes a function {where}")
            operands += 1 if depth == 0 or (text == "(" and depth == 1) else 0


def check_template(text: str) -> None:
    """Raise TemplateError if Prometheus would refuse `text` as an alert label or annotation template."""
    declared, blocks, pos = set(PREDECLARED), [], 0
    while (start := text.find("{{", pos)) >= 0:
        inner = start + 2
        if text[inner:inner + 1] == "-" and text[inner + 1:inner + 2] in (" ", "\t", "\r", "\n"):
            inner += 2
        if text.startswith("/*", inner):
            end = text.find("*/", inner + 2)
            close = re.compile(r"\*/(?: -)?\}\}").match(text, end) if end >= 0 else None
            if not close:
                raise TemplateError("unclosed template comment: '{{/*' needs '*/}}'")
            pos = close.end()
            continue
        tokens, end = _scan_action(text, inner)
        declared = _check_action(tokens, declared, blocks, text[inner:end].strip())
        pos = text.index("}}", end) + 2
    if blocks:
        raise TemplateError(f"'{{{{ {blocks[-1][0]} }}}}' is never closed with '{{{{ end }}}}'")


def _scan_action(text: str, pos: int) -> tuple[list[tuple[str, str]], int]:
    """Tokens of the action starting at `pos`, and where its body ends (before `}}` or a ` -}}` trim)."""
    out = []
    while True:
        if text.startswith("}}", pos) or (text[pos:pos + 1] in (" ", "\t", "\r", "\n")
                                          and text.startswith("-}}", pos + 1)):
            return out, pos
        if pos >= len(text):
            raise TemplateError("unclosed template action: '{{' without '}}'")
        match = _TOKEN.match(text, pos)
        if not match:
            near = text[max(0, pos - 10):pos + 10]
            raise TemplateError(f"unexpected {text[pos]!r} in a template action near {near!r}")
        if match.lastgroup != "space":
            out.append((match.lastgroup, match.group()))
        pos = match.end()
