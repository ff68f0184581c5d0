"""Go 1.19's text/template lexer and literal rules (numbers, quoted strings), for `gotemplate`.

Ported so that what counts as a number, a string or a bad character is decided the way Go decides it:
`{{ 08 }}` is an "integer overflow", `{{ "\\q" }}` an invalid escape, `{{ 1_000 }}` a thousand.
"""

from __future__ import annotations

import re

from stackgen.frozen import Frozen

SPACE = " \t\r\n"
KEYWORDS = frozenset({"block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template",
                      "with"})


class TemplateError(ValueError):
    """The text would not parse as a Prometheus alert template."""


class Item(Frozen):
    kind: str
    value: str

    def __str__(self) -> str:  # as Go prints an item in its parse errors
        if self.kind == "eof":
            return "EOF"
        if self.kind in KEYWORDS:
            return f"<{self.value}>"
        return f'"{self.value[:10]}"...' if len(self.value) > 10 else f'"{self.value}"'


def _alnum(c: str) -> bool:
    return c == "_" or c.isalpha() or c.isdigit()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text, self.pos, self.items = text, 0, []  # type: tuple[str, int, list[Item]]

    def peek(self, at: int = 0) -> str:
        return self.text[self.pos + at: self.pos + at + 1]

    def emit(self, kind: str, start: int) -> None:
        self.items.append(Item(kind, self.text[start:self.pos]))

    def right_delim(self) -> tuple[bool, bool]:
        """(at `}}`, with a ` -` trim marker before it)."""
        rest = self.text[self.pos:]
        if len(rest) >= 2 and rest[0] in SPACE and rest[1] == "-" and rest[2:].startswith("}}"):
            return True, True
        return rest.startswith("}}"), False

    def run(self) -> list[Item]:
        while True:
            start = self.text.find("{{", self.pos)
            if start < 0:
                if self.pos < len(self.text):
                    self.items.append(Item("text", self.text[self.pos:]))
                self.items.append(Item("eof", ""))
                return self.items
            after = start + 2
            trim = self.text[after:after + 1] == "-" and self.text[after + 1:after + 2] in tuple(SPACE)
            chunk = self.text[self.pos:start]
            if trim:
                chunk = chunk.rstrip(SPACE)
            if chunk:
                self.items.append(Item("text", chunk))
            self.pos = after + (2 if trim else 0)
            if self.text.startswith("/*", self.pos):
                self.comment()
            else:
                opened, body = len(self.items), self.pos
                self.items.append(Item("leftDelim", "{{"))
                end = self.action()
                self.items[opened] = Item("leftDelim", self.text[body:end].strip())  # quoted in messages

    def comment(self) -> None:
        end = self.text.find("*/", self.pos + 2)
        if end < 0:
            raise TemplateError("unclosed comment")
        self.pos = end + 2
        self.close_delim("comment ends before closing delimiter")

    def close_delim(self, otherwise: str) -> None:
        at, trim = self.right_delim()
        if not at:
            raise TemplateError(otherwise)
        self.pos += 4 if trim else 2
        if trim:
            while self.peek() and self.peek() in SPACE:
                self.pos += 1

    def action(self) -> int:
        """Lex one action; returns where its body ends."""
        parens = 0
        while True:
            at, _ = self.right_delim()
            if at:
                if parens:
                    raise TemplateError("unclosed left paren")
                self.items.append(Item("rightDelim", "}}"))
                end = self.pos
                self.close_delim("")
                return end
            start, c = self.pos, self.peek()
            if not c:
                raise TemplateError("unclosed template action: '{{' without '}}'")
            self.pos += 1
            if c in SPACE:
                while self.peek() and self.peek() in SPACE and not self.right_delim()[0]:
                    self.pos += 1
                self.emit("space", start)
            elif c == "=":
                self.emit("assign", start)
            elif c == ":":
                if self.peek() != "=":
                    raise TemplateError("expected :=")
                self.pos += 1
                self.emit("declare", start)
            elif c == "|":
                self.emit("pipe", start)
            elif c in "\"'":
                self.quoted(c, start)
            elif c == "`":
                end = self.text.find("`", self.pos)
                if end < 0:
                    raise TemplateError("unterminated raw quoted string")
                self.pos = end + 1
                self.emit("rawString", start)
            elif c in "$." and not (c == "." and self.peek().isdigit() and self.peek() in "0123456789"):
                self.field_or_variable("variable" if c == "$" else "field", start)
            elif c in "+-." or c in "0123456789":
                self.number(start)
            elif _alnum(c):
                self.identifier(start)
            elif c in "()":
                parens += 1 if c == "(" else -1
                if parens < 0:
                    raise TemplateError("unexpected right paren U+0029 ')'")
                self.emit("leftParen" if c == "(" else "rightParen", start)
            elif c.isascii() and c.isprintable():
                self.emit("char", start)
            else:
                raise TemplateError(f"unrecognized character in action: {c!r}")

    def at_terminator(self) -> bool:
        c = self.peek()
        return not c or c in SPACE or c in ".,|:)(}"

    def field_or_variable(self, kind: str, start: int) -> None:
        if self.at_terminator():
            self.emit(kind if kind == "variable" else "dot", start)
            return
        while self.peek() and _alnum(self.peek()):
            self.pos += 1
        if not self.at_terminator():
            raise TemplateError(f"bad character {self.peek()!r}")
        self.emit(kind, start)

    def identifier(self, start: int) -> None:
        while self.peek() and _alnum(self.peek()):
            self.pos += 1
        if not self.at_terminator():
            raise TemplateError(f"bad character {self.peek()!r}")
        word = self.text[start:self.pos]
        kind = word if word in KEYWORDS else "bool" if word in ("true", "false") else "identifier"
        self.emit(kind, start)

    def quoted(self, quote: str, start: int) -> None:
        what = "quoted string" if quote == '"' else "character constant"
        while True:
            c = self.peek()
            self.pos += 1
            if c == "\\":
                c = self.peek()
                self.pos += 1
                if c and c != "\n":
                    continue
            if not c or c == "\n":
                raise TemplateError(f"unterminated {what}")
            if c == quote:
                break
        self.emit("string" if quote == '"' else "charConstant", start)

    def scan_number(self) -> bool:
        def accept(chars: str) -> bool:
            if self.peek() and self.peek() in chars:
                self.pos += 1
                return True
            return False

        def accept_run(chars: str) -> None:
            while accept(chars):
                pass

        accept("+-")
        digits = "0123456789_"
        if accept("0"):
            if accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif accept("oO"):
                digits = "01234567_"
            elif accept("bB"):
                digits = "01_"
        accept_run(digits)
        if accept("."):
            accept_run(digits)
        if len(digits) == 11 and accept("eE"):
            accept("+-")
            accept_run("0123456789_")
        if len(digits) == 23 and accept("pP"):
            accept("+-")
            accept_run("0123456789_")
        accept("i")
        if self.peek() and _alnum(self.peek()):
            self.pos += 1
            return False
        return True

    def number(self, start: int) -> None:
        self.pos = start
        if not self.scan_number():
            raise TemplateError(f"bad number syntax: {self.text[start:self.pos]!r}")
        if self.peek() in ("+", "-") and self.peek():
            if not self.scan_number() or self.text[self.pos - 1] != "i":
                raise TemplateError(f"bad number syntax: {self.text[start:self.pos]!r}")
            self.emit("complex", start)
            return
        self.emit("number", start)


def lex(text: str) -> list[Item]:
    """Every item of the template, ending with "eof"; TemplateError where Go's lexer stops."""
    return _Lexer(text).run()


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:([abfnrtv\\'\"])|x([0-9a-fA-F]{2})|([0-7]{3})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))|\\")


def go_unquote(text: str) -> str:
    """Go's strconv.Unquote for a lexed string, raw string or character body."""
    quote, body = text[0], text[1:-1]
    if quote == "`":
        return body.replace("\r", "")

    def one(m: re.Match) -> str:
        simple, hexa, octal, u4, u8 = m.groups()
        if simple:
            if simple in "'\"" and simple != quote:
                raise TemplateError(f"invalid syntax: {text}")
            return _ESCAPES.get(simple, simple)
        if hexa or octal:
            code = int(hexa, 16) if hexa else int(octal, 8)
            if code > 255:
                raise TemplateError(f"invalid syntax: {text}")
            return chr(code)
        if u4 or u8:
            code = int(u4 or u8, 16)
            if code > 0x10FFFF or 0xD800 <= code < 0xE000:
                raise TemplateError(f"invalid syntax: {text}")
            return chr(code)
        raise TemplateError(f"invalid syntax: {text}")

    out = _ESCAPE.sub(one, body)
    if quote == "'" and len(out) != 1:
        raise TemplateError(f"malformed character constant: {text}")
    return out


def _underscore_ok(text: str) -> bool:
    """Go's rule: an underscore only between digits, or between a base prefix and a digit."""
    s = text.lstrip("+-")
    saw, i, hexa = "^", 0, False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "box":
        i, saw, hexa = 2, "0", s[1].lower() == "x"
    for c in s[i:]:
        if c.isdigit() or (hexa and c.lower() in "abcdef"):
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"


def _go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) or ParseUint, as one Python int; None where both fail."""
    sign, s = (-1, text[1:]) if text[:1] == "-" else (1, text[1:] if text[:1] == "+" else text)
    if "_" in s and not _underscore_ok(s):
        return None
    s = s.replace("_", "")
    base, digits = 10, s
    if s[:2].lower() in ("0x", "0o", "0b"):
        base, digits = {"x": 16, "o": 8, "b": 2}[s[1].lower()], s[2:]
    elif len(s) > 1 and s[0] == "0":
        base, digits = 8, s[1:]
    try:
        value = sign * int(digits, base)
    except ValueError:
        return None
    return value if -(1 << 63) <= value < (1 << 64) else None


def _go_float(text: str) -> float | None:
    if "_" in text and not _underscore_ok(text):
        return None
    s = text.replace("_", "")
    try:
        value = float.fromhex(s) if s.lstrip("+-")[:2].lower() == "0x" else float(s)
    except ValueError:
        return None
    if s.lstrip("+-")[:2].lower() == "0x" and "p" not in s.lower():
        return None
    return value if value not in (float("inf"), float("-inf")) else None


def go_number(text: str, kind: str) -> int | float | complex | str:
    """A number constant as Go's parser reads it; TemplateError where Go refuses it."""
    if kind == "charConstant":
        return ord(go_unquote(text))
    if kind == "complex" or text.endswith("i"):
        try:
            return complex(text.replace("_", "").replace("i", "j"))
        except ValueError:
            raise TemplateError(f"illegal number syntax: {text!r}") from None
    whole = _go_int(text)
    if whole is not None:
        return whole
    value = _go_float(text)
    if value is None:
        raise TemplateError(f"illegal number syntax: {text!r}")
    if not any(c in text for c in ".eEpP"):
        raise TemplateError(f"integer overflow: {text!r}")
    return value
