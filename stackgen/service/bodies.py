"""Reading request bodies defensively: every malformed body is a 4xx with a JSON reason, never a 5xx.

Shared by every route that takes JSON (the fault switch, scenario APIs).
"""

from __future__ import annotations

import json
from typing import Any, TypeGuard

from starlette.exceptions import HTTPException
from starlette.requests import Request

MAX_BODY_BYTES = 64 * 1024


async def read_json(request: Request) -> dict[str, Any]:
    """The body as a JSON object: 415 unless sent as JSON, 413 past MAX_BODY_BYTES (checked while reading),
    400 when it is not a JSON object (including one nested too deep for the parser)."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise HTTPException(415, "send the request body as Content-Type: application/json")
    declared = request.headers.get("content-length", "")
    if declared and not declared.isdigit():
        raise HTTPException(400, "Content-Length must be a non-negative integer")
    if declared and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"request body over {MAX_BODY_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise HTTPException(413, f"request body over {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise HTTPException(400, "request body is not valid JSON") from None
    except RecursionError:  # json.loads recurses once per nesting level
        raise HTTPException(400, "request body is nested too deeply") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "request body must be a JSON object")
    return data


def is_text(value: object) -> TypeGuard[str]:
    """A string that UTF-8 can encode: JSON lets a lone surrogate ("\\ud800") through, hashing and SQLite do not."""
    if not isinstance(value, str):
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def require_str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value or len(value) > 1024:
        raise HTTPException(422, f"'{key}' must be a non-empty string of at most 1024 characters")
    if not is_text(value):
        raise HTTPException(422, f"'{key}' must be valid Unicode (no lone surrogates)")
    return value


