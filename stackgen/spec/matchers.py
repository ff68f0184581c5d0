"""Alertmanager matchers, parsed the way Alertmanager parses them, so `validate` refuses what amtool would.

A port of Alertmanager's classic matcher parser (pkg/labels/parse.go): a string may hold several matchers
separated by commas outside quotes, optionally in braces; each is `name op value`, the value optionally
quoted, with `\\"`, `\\\\` and `\\n` escapes. A regex value is compiled by Go's regexp (RE2 syntax), anchored.
Python's `re` accepts constructs RE2 lacks, so those are refused by name before `re` checks the rest.
"""

from __future__ import annotations

import re

from stackgen.frozen import Frozen

MATCHER = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*$", re.S)
# (construct, what RE2 calls it): Go's regexp refuses each of them.
NOT_IN_RE2 = (
    (re.compile(r"\(\?<?[=!]"), "lookarounds"),
    (re.compile(r"\(\?P=|\\[1-9]|\\g<"), "backreferences"),
    (re.compile(r"\(\?>"), "atomic groups"),
    (re.compile(r"\(\?\("), "conditionals"),
    (re.compile(r"[*+?}][+]"), "possessive quantifiers"),
    (re.compile(r"\(\?<[A-Za-z]"), "named groups written (?<name>...)"),
    (re.compile(r"\\Z"), "\\Z (RE2 writes \\z)"),
)


class MatcherError(ValueError):
    """Why Alertmanager would refuse a matcher, and how to write it instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


class Matcher(Frozen):
    name: str
    op: str
    value: str


def split_matchers(text: str) -> list[str]:
    """The matchers of one string: commas outside quotes separate them; braces around them are optional."""
    text = text.removeprefix("{").removesuffix("}")
    tokens, token, quoted, escaped = [], "", False, False
    for char in text:
        if char == "," and not quoted:
            tokens.append(token)
            token = ""
            continue
        if char == '"':
            quoted, escaped = (not quoted, False) if not escaped else (quoted, False)
        elif char == "\\":
            escaped = not escaped
        else:
            escaped = False
        token += char
    if token.strip():
        tokens.append(token.strip())
    return tokens


def _unquote(raw: str) -> str:
    quoted = raw.startswith('"')
    body, value, escaped = raw[1:] if quoted else raw, "", False
    for i, char in enumerate(body):
        if escaped:
            escaped = False
            value += {"n": "\n", '"': '"', "\\": "\\"}.get(char, "\\" + char)
        elif char == "\\" and i < len(body) - 1:
            escaped = True
        elif char == '"':
            if not quoted or i < len(body) - 1:
                raise MatcherError("the value holds an unescaped double quote",
                                   'quote the whole value and write \\" for a quote inside it')
            quoted = False
        else:
            value += char
    if quoted:
        raise MatcherError("the value's closing quote is missing", 'end the value with "')
    return value


def check_re2(pattern: str) -> None:
    """Refuse a pattern Go's regexp would not compile: first what RE2 lacks, then any syntax error."""
    for construct, name in NOT_IN_RE2:
        if construct.search(pattern):
            raise MatcherError(f"RE2 (Alertmanager's regex engine) has no {name}",
                               "rewrite the regex without it, or use a second matcher with !~")
    try:
        re.compile(f"^(?:{pattern})$")
    except re.error as exc:
        raise MatcherError(f"invalid regex: {exc.msg}", "check brackets, parentheses and escapes") from None


def parse_matcher(text: str) -> Matcher:
    found = MATCHER.match(text)
    if not found:
        raise MatcherError("expected label, an operator (=, !=, =~, !~) and a value",
                           'write label=value, label!=value, label=~"regex"')
    name, op, raw = found.groups()
    matcher = Matcher(name, op, _unquote(raw))
    if op in ("=~", "!~"):
        check_re2(matcher.value)
    return matcher


def parse_matchers(text: str) -> list[Matcher]:
    """Every matcher one spec string holds, or a MatcherError saying why Alertmanager would refuse it."""
    return [parse_matcher(token) for token in split_matchers(text)]
