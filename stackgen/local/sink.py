"""The local notification sink: Alertmanager's webhook receiver for `stackgen up` and the live tests.

POST /hooks/<receiver> logs one line per alert of the notification and keeps the notification;
GET /notifications returns what arrived (newest last, the last MAX_KEPT), GET /health answers ok.
Run it with `python -m stackgen.local.sink --port P`.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_KEPT = 1000  # notifications kept in memory: a long demo must not grow without bound
MAX_BODY = 1 << 20  # Alertmanager batches, but a megabyte is far above any real notification


class Sink:
    def __init__(self, out=sys.stdout) -> None:
        self.notifications: deque[dict] = deque(maxlen=MAX_KEPT)
        self.lock = threading.Lock()
        self.out = out

    def receive(self, receiver: str, payload: dict) -> None:
        entry = {"receiver": receiver, "received_at": time.time(), "payload": payload}
        with self.lock:
            self.notifications.append(entry)
        for alert in payload.get("alerts", []):
            labels = alert.get("labels", {})
            rest = ",".join(f"{k}={v}" for k, v in sorted(labels.items()) if k not in ("alertname", "severity"))
            line = (f"{time.strftime('%H:%M:%S')} {receiver}: {alert.get('status', '?')} "
                    f"{labels.get('alertname', '?')} severity={labels.get('severity', '-')} {rest}")
            # JSON admits lone surrogates that no output encoding takes: escape them rather than fail.
            print(line.encode("utf-8", "backslashreplace").decode(), file=self.out, flush=True)

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.notifications)


def well_formed(payload: dict) -> bool:
    """The parts `Sink.receive` reads have the shape Alertmanager sends."""
    alerts = payload.get("alerts", [])
    return isinstance(alerts, list) and all(
        isinstance(a, dict) and isinstance(a.get("labels", {}), dict) for a in alerts)


def make_handler(sink: Sink):
    class Handler(BaseHTTPRequestHandler):
        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path == "/health":
                self._answer(200, {"status": "ok"})
            elif self.path == "/notifications":
                self._answer(200, sink.snapshot())
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            receiver = self.path.removeprefix("/hooks/")
            if not self.path.startswith("/hooks/") or not receiver:
                return self._answer(404, {"error": "post to /hooks/<receiver>"})
            declared = (self.headers.get("Content-Length") or "0").strip()
            if not declared.isdigit():  # a negative length would make read() wait for the client to close
                return self._answer(400, {"error": "Content-Length must be a non-negative integer"})
            length = int(declared)
            if length > MAX_BODY:
                return self._answer(413, {"error": "body too large"})
            try:
                payload = json.loads(self.rfile.read(length) or b"{}")
            except (ValueError, RecursionError):
                return self._answer(400, {"error": "body is not JSON"})
            if not isinstance(payload, dict):
                return self._answer(400, {"error": "body is not a JSON object"})
            if not well_formed(payload):
                return self._answer(400, {"error": "alerts must be a list of objects whose labels are an object"})
            sink.receive(receiver, payload)
            self._answer(200, {"status": "ok"})

        def log_message(self, format: str, *args) -> None:  # one line per alert is logged instead
            pass

    return Handler


def serve(host: str, port: int) -> None:
    server = ThreadingHTTPServer((host, port), make_handler(Sink()))
    print(f"sink listening on http://{host}:{port}/hooks/<receiver>", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Log Alertmanager webhook notifications.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
