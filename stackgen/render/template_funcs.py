"""Prometheus' alert template functions and Go's value printing, for expected annotations.

Each function prints what Prometheus 2.42 prints for the same input (checked by running promtool on
rendered cases). The ones that read the live TSDB (`query`, `first`, `label`, `value`, `strvalue`,
`sortByLabel`) cannot be evaluated from a test case and raise `NotStatic`.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from stackgen.process.fast import seconds


class NotStatic(Exception):
    """The template needs something only a running Prometheus has (a query, an unsupported format)."""


class GoTime:
    """A time.Time as Prometheus' toTime returns it; prints as Go's time.Time.String() in UTC."""

    def __init__(self, millis: int) -> None:
        self.millis = millis

    def __str__(self) -> str:
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(milliseconds=self.millis)
        fraction = f"{moment.microsecond * 1000:09d}".rstrip("0")
        return moment.strftime("%Y-%m-%d %H:%M:%S") + (f".{fraction}" if fraction else "") + " +0000 UTC"


def go_float(v: float) -> str:
    """A float64 as Go's fmt %v prints it (what `{{ $value }}` shows): the shortest digits, in exponent form
    below 1e-4 and from 1e+06 on."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    if v == 0:
        return "-0" if math.copysign(1, v) < 0 else "0"
    sign, digits, exp = decimal.Decimal(repr(float(v))).normalize().as_tuple()
    text, power = "".join(map(str, digits)), int(exp) + len(digits) - 1
    minus = "-" if sign else ""
    if power < -4 or power >= 6:
        mantissa = text[0] + (f".{text[1:]}" if len(text) > 1 else "")
        return f"{minus}{mantissa}e{'+' if power >= 0 else '-'}{abs(power):02d}"
    return minus + format(decimal.Decimal(text).scaleb(power - len(text) + 1), "f")


def go_g(v: float, precision: int = 4) -> str:
    """Go's %.Ng: Python's, with Go's NaN/Inf spelling and two-digit exponent."""
    if math.isnan(v) or math.isinf(v):
        return go_float(v)
    return re.sub(r"e([+-])(\d)$", r"e\g<1>0\2", f"%.{precision}g" % v)


def to_float(value: Any) -> float:
    """Prometheus' convertToFloat: numbers, and strings that parse as floats."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise NotStatic(f"cannot convert {type(value).__name__} to a number")
    try:
        return float(value)
    except ValueError:
        raise NotStatic(f"{value!r} is not a number") from None


def _prefixed(v: float, step: float, prefixes: str | list[str]) -> tuple[float, str]:
    prefix = ""
    for p in prefixes:
        if abs(v) < step:
            break
        prefix, v = p, v / step
    return v, prefix


def _small(v: float) -> tuple[float, str]:
    prefix = ""
    for p in "munpfazy":
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return v, prefix


def humanize(value: Any) -> str:
    v = to_float(value)
    if v == 0 or math.isnan(v) or math.isinf(v):
        return go_g(v)
    v, prefix = _prefixed(v, 1000, "kMGTPEZY") if abs(v) >= 1 else _small(v)
    return go_g(v) + prefix


def humanize1024(value: Any) -> str:
    v = to_float(value)
    if abs(v) <= 1 or math.isnan(v) or math.isinf(v):
        return go_g(v)
    v, prefix = _prefixed(v, 1024, ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"])
    return go_g(v) + prefix


def humanize_duration(value: Any) -> str:
    v = to_float(value)
    if math.isnan(v) or math.isinf(v):
        return go_g(v)
    if v == 0:
        return go_g(v) + "s"
    if abs(v) < 1:
        v, prefix = _small(v)
        return f"{go_g(v)}{prefix}s"
    sign, v = ("-", -v) if v < 0 else ("", v)
    d = int(v)
    days, hours, minutes, secs = d // 86400, d // 3600 % 24, d // 60 % 60, d % 60
    if days:
        return f"{sign}{days}d {hours}h {minutes}m {secs}s"
    if hours:
        return f"{sign}{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{sign}{minutes}m {secs}s"
    return f"{sign}{go_g(v)}s"


def humanize_percentage(value: Any) -> str:
    return go_g(to_float(value) * 100) + "%"


def to_time(value: Any) -> GoTime:
    v = to_float(value)
    if math.isnan(v) or math.isinf(v) or abs(v * 1e9) > 2**63:
        raise NotStatic(f"{go_float(v)} is not a timestamp")
    return GoTime(int(v * 1e9) // 1_000_000)  # Prometheus keeps milliseconds


def humanize_timestamp(value: Any) -> str:
    v = to_float(value)
    return go_g(v) if math.isnan(v) or math.isinf(v) else str(to_time(v))


def _split_host_port(text: str) -> tuple[str, str] | None:
    """Go's net.SplitHostPort, or None where it fails."""
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or not text[end + 1:].startswith(":") or ":" in text[end + 2:]:
            return None
        return text[1:end], text[end + 2:]
    if text.count(":") != 1:
        return None
    host, port = text.split(":")
    return host, port


def _is_ip(host: str) -> bool:
    import ipaddress
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def strip_port(text: str) -> str:
    split = _split_host_port(text)
    return split[0] if split else text


def strip_domain(text: str) -> str:
    host, port = _split_host_port(text) or (text, "")
    if _is_ip(host):
        return text
    host = host.split(".")[0]
    return (f"[{host}]:{port}" if ":" in host else f"{host}:{port}") if port else host


def title(text: str) -> str:
    """strings.Title: upper-case each letter that starts a word."""
    return re.sub(r"(?<![\w])([^\W_])", lambda m: m.group(1).upper(), text)


def go_expand(match: re.Match, template: str) -> str:
    """Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; an unknown group expands to nothing."""

    def one(m: re.Match) -> str:
        if m.group(0) == "$$":
            return "$"
        key = m.group(1) or m.group(2)
        try:
            return match.group(int(key) if key.isdigit() else key) or ""
        except (IndexError, re.error):
            return ""

    return re.sub(r"\$\$|\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)", one, template)


def re_replace_all(pattern: str, replacement: str, text: str) -> str:
    return re.sub(pattern, lambda m: go_expand(m, replacement), text)


def _query_link(expr: str, tab: int) -> str:
    return f"/graph?g0.expr={urllib.parse.quote_plus(expr)}&g0.tab={tab}"


def _needs_tsdb(name: str) -> Callable[..., Any]:
    def refuse(*_: Any) -> Any:
        raise NotStatic(f"'{name}' reads Prometheus' data")
    return refuse


def _refuse(reason: str) -> Callable[..., Any]:
    def refuse(*_: Any) -> Any:
        raise NotStatic(reason)
    return refuse


_JS = {"\\": "\\\\", "'": "\\'", '"': '\\"', "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D"}


def js_escape(*args: Any) -> str:
    """Go's template.JSEscapeString of the printed arguments."""
    text = "".join(map(str, args))
    return "".join(_JS.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 else c) for c in text)


def html_escape(*args: Any) -> str:
    """Go's html builtin on its arguments, joined."""
    import html  # here: its entity table takes a millisecond to load, and few templates call html

    return html.escape("".join(map(str, args)))


def go_slice(value: Any, *indexes: int) -> Any:
    """Go's slice builtin on a string: value[i:j]."""
    if not isinstance(value, str) or len(indexes) > 2:
        raise NotStatic("slice of something other than a string")
    return value[slice(*indexes)] if indexes else value


PROMETHEUS_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "humanize": humanize, "humanize1024": humanize1024, "humanizeDuration": humanize_duration,
    "humanizePercentage": humanize_percentage, "humanizeTimestamp": humanize_timestamp, "toTime": to_time,
    "toUpper": str.upper, "toLower": str.lower, "title": title, "safeHtml": str,
    "match": lambda pattern, text: re.search(pattern, text) is not None, "reReplaceAll": re_replace_all,
    "stripPort": strip_port, "stripDomain": strip_domain, "parseDuration": lambda d: float(seconds(d)),
    "graphLink": lambda expr: _query_link(expr, 0), "tableLink": lambda expr: _query_link(expr, 1),
    "args": lambda *a: {f"arg{i}": v for i, v in enumerate(a)},
    "html": html_escape, "urlquery": lambda *a: urllib.parse.quote_plus(
        "".join(map(str, a))),
    "js": js_escape, "slice": go_slice, "call": _refuse("'call' needs a function value, which alert data has none of"),
    "externalURL": _refuse("'externalURL' is the server's URL, unknown to a test case"),
    "pathPrefix": _refuse("'pathPrefix' is the server's URL path, unknown to a test case"),
    **{name: _needs_tsdb(name) for name in ("query", "first", "label", "value", "strvalue", "sortByLabel")},
}
