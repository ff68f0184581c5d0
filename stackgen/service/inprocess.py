"""Calling the ASGI app in-process: the service's own background traffic, and the in-process benchmark.

Such requests go through the same middleware and routes as real ones; their scope carries
INTERNAL_SCOPE_KEY so per-client limits (which are for outside clients) leave them alone.
"""

from __future__ import annotations

import json
from typing import Any

INTERNAL_SCOPE_KEY = "stackgen.internal"


async def call_app(app: Any, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    """One HTTP request to an ASGI app in-process: (status, decoded JSON body or None)."""
    payload = b"" if body is None else json.dumps(body).encode()
    headers = [(b"host", b"stackgen.internal"), (b"content-type", b"application/json"),
               (b"content-length", str(len(payload)).encode())]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": headers, "client": ("127.0.0.1", 0), "server": ("stackgen.internal", 80),
             INTERNAL_SCOPE_KEY: True}
    messages = iter([{"type": "http.request", "body": payload, "more_body": False}])
    status, chunks = 0, list[bytes]()

    async def receive() -> dict[str, Any]:
        return next(messages, {"type": "http.disconnect"})

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    try:
        return status, json.loads(b"".join(chunks) or b"null")
    except ValueError:
        return status, None


