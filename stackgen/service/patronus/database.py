"""The embedded SQLite database: every query goes through `Database.run`, which measures it for real."""

from __future__ import annotations

import sqlite3
import threading
import time
from typing import Any

from stackgen.errors import StackgenError
from stackgen.service.faults import Faults, InjectedFault
from stackgen.service.metrics import SpecMetrics

OPERATIONS = ("select", "insert", "update", "delete")

SCHEMA = """
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, salt BLOB NOT NULL,
                    hash BLOB NOT NULL, failures INTEGER NOT NULL DEFAULT 0, locked_until REAL NOT NULL DEFAULT 0);
CREATE TABLE tokens (digest TEXT PRIMARY KEY, user_id INTEGER NOT NULL, kind TEXT NOT NULL,
                     expires REAL NOT NULL, issued REAL NOT NULL);
CREATE INDEX tokens_user ON tokens (user_id, issued);
CREATE TABLE sites (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, city TEXT NOT NULL);
CREATE TABLE paths (id INTEGER PRIMARY KEY, site_id INTEGER NOT NULL, name TEXT UNIQUE NOT NULL,
                    transport TEXT NOT NULL, base_latency REAL NOT NULL, base_loss REAL NOT NULL);
CREATE TABLE policies (id INTEGER PRIMARY KEY, name TEXT NOT NULL, site_id INTEGER NOT NULL);
"""

# The simulated network: site code, city, and per transport (base one-way latency in seconds, base loss).
SITES = (("ams", "Amsterdam"), ("ber", "Berlin"), ("dub", "Dublin"), ("fra", "Frankfurt"),
         ("lhr", "London"), ("mad", "Madrid"), ("par", "Paris"), ("waw", "Warsaw"))
TRANSPORTS = {"mpls": (0.012, 0.0005), "inet": (0.028, 0.002)}
POLICIES_PER_SITE = 15


class DatabaseError(StackgenError):
    """A query failed; the request that needed it answers 503."""


class Database:
    """One SQLite connection (in memory unless a path is given), serialised by a lock, measured per query."""

    def __init__(self, metrics: SpecMetrics, faults: Faults, path: str = ":memory:") -> None:
        self._faults = faults
        self._lock = threading.Lock()
        self._queries = metrics.claim("db_queries_total", "counter", ["operation"])
        self._duration = metrics.claim("db_query_duration_seconds", "histogram", ["operation"])
        self._errors = metrics.claim("db_errors_total", "counter", ["operation"])
        self._connections = metrics.claim("db_connections_active", "gauge")
        for op in OPERATIONS:  # every operation visible at 0, so rate() works from the first scrape
            self._queries.labels(operation=op)
            self._duration.labels(operation=op)
            self._errors.labels(operation=op)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connections.inc()
        self._conn.executescript(SCHEMA)
        self._seed_network()

    def _seed_network(self) -> None:
        for site_id, (code, city) in enumerate(SITES, start=1):
            self._conn.execute("INSERT INTO sites (id, name, city) VALUES (?, ?, ?)", (site_id, code, city))
            for transport, (latency, loss) in TRANSPORTS.items():
                # Each site's circuits differ a little, deterministically.
                spread = 1 + 0.15 * ((site_id * 7 + len(transport)) % 5)
                self._conn.execute(
                    "INSERT INTO paths (site_id, name, transport, base_latency, base_loss) VALUES (?, ?, ?, ?, ?)",
                    (site_id, f"{code}-{transport}", transport, latency * spread, loss))
            self._conn.executemany("INSERT INTO policies (name, site_id) VALUES (?, ?)",
                                   [(f"{code}-policy-{i}", site_id) for i in range(POLICIES_PER_SITE)])

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple]:
        """Run one statement and return its rows; measured by operation, failures raise DatabaseError."""
        operation = sql.lstrip().split(None, 1)[0].lower()
        if operation not in OPERATIONS:
            operation = "select"  # keeps the label bounded; the service only runs the four kinds
        start = time.perf_counter()
        try:
            if self._faults.active("db_errors"):
                raise InjectedFault("database is locked (injected fault db_errors)")
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except (sqlite3.Error, InjectedFault) as exc:
            self._errors.labels(operation=operation).inc()
            raise DatabaseError(f"database {operation} failed: {exc}") from exc
        finally:
            self._duration.labels(operation=operation).observe(time.perf_counter() - start)
            self._queries.labels(operation=operation).inc()

    def healthy(self) -> str | None:
        """None when a trivial query answers, else why not."""
        try:
            self.run("SELECT 1")
        except DatabaseError as exc:
            return str(exc)
        return None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
        self._connections.dec()
