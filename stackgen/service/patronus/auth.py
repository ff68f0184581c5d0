"""Login with salted scrypt hashes, and access/refresh tokens stored (as digests) in the database."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import secrets
import time
from typing import NoReturn

import anyio

from stackgen.service.metrics import SpecMetrics
from stackgen.service.patronus.database import Database

# scrypt cost: N=2**12 keeps a demo login near 15 ms on one core; production code should use 2**14 or more.
SCRYPT = {"n": 2**12, "r": 8, "p": 1, "dklen": 32}
HASHING_SLOTS = 2  # concurrent hashes: bounds CPU and the 4 MiB each hash holds
LOCK_AFTER_FAILURES = 5
LOCK_SECONDS = 60.0
ACCESS_TTL = 15 * 60.0
REFRESH_TTL = 60 * 60.0
TOKENS_KEPT_PER_USER = 20  # older tokens are revoked at login, so the table stays bounded
ACTIVE_WINDOW = 15 * 60.0
FAILURE_REASONS = ("bad_password", "unknown_user", "locked")
REFRESH_RESULTS = ("ok", "expired", "invalid")


class Refused(Exception):
    """A login or refresh was refused; `reason` is the metric label value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hash_password(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Auth:
    def __init__(self, db: Database, metrics: SpecMetrics, users: dict[str, str]) -> None:
        self._db = db
        self._attempts = metrics.claim("auth_login_attempts_total", "counter")
        self._successes = metrics.claim("auth_login_successes_total", "counter")
        self._failures = metrics.claim("auth_login_failures_total", "counter", ["reason"])
        self._refreshes = metrics.claim("auth_token_refreshes_total", "counter", ["result"])
        for reason in FAILURE_REASONS:
            self._failures.labels(reason=reason)
        for result in REFRESH_RESULTS:
            self._refreshes.labels(result=result)
        self._hashing = asyncio.Semaphore(HASHING_SLOTS)
        self._dummy_salt = os.urandom(16)
        for name, password in users.items():
            salt = os.urandom(16)
            db.run("INSERT INTO users (name, salt, hash) VALUES (?, ?, ?)", (name, salt, hash_password(password, salt)))

    async def _hash(self, password: str, salt: bytes) -> bytes:
        async with self._hashing:
            return await anyio.to_thread.run_sync(hash_password, password, salt)

    async def login(self, name: str, password: str) -> dict[str, object]:
        """Tokens for a good password; raises Refused(reason) otherwise.

        Every attempt costs exactly one hash, for a known, unknown or locked user alike, so the answer's
        timing does not tell which names exist or are locked.
        """
        self._attempts.inc()
        rows = self._db.run("SELECT id, salt, hash, failures, locked_until FROM users WHERE name = ?", (name,))
        user_id, salt, stored, failures, locked_until = rows[0] if rows else (None, self._dummy_salt, b"", 0, 0.0)
        matches = hmac.compare_digest(await self._hash(password, salt), stored)
        if user_id is None:
            return self._refuse("unknown_user")
        now = time.time()
        if locked_until > now:
            return self._refuse("locked")
        if not matches:
            failures += 1
            locked = now + LOCK_SECONDS if failures >= LOCK_AFTER_FAILURES else 0.0
            self._db.run("UPDATE users SET failures = ?, locked_until = ? WHERE id = ?",
                         (0 if locked else failures, locked, user_id))
            return self._refuse("bad_password")
        if failures:
            self._db.run("UPDATE users SET failures = 0 WHERE id = ?", (user_id,))
        self._successes.inc()
        self._revoke_oldest(user_id)
        return self._issue(user_id, now)

    def _refuse(self, reason: str) -> NoReturn:
        self._failures.labels(reason=reason).inc()
        raise Refused(reason)

    def _issue(self, user_id: int, now: float) -> dict[str, object]:
        access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        for token, kind, ttl in ((access, "access", ACCESS_TTL), (refresh, "refresh", REFRESH_TTL)):
            self._db.run("INSERT INTO tokens (digest, user_id, kind, expires, issued) VALUES (?, ?, ?, ?, ?)",
                         (_digest(token), user_id, kind, now + ttl, now))
        return {"access_token": access, "refresh_token": refresh, "token_type": "bearer", "expires_in": ACCESS_TTL}

    def _revoke_oldest(self, user_id: int) -> None:
        self._db.run("DELETE FROM tokens WHERE user_id = ? AND digest NOT IN "
                     "(SELECT digest FROM tokens WHERE user_id = ? ORDER BY issued DESC LIMIT ?)",
                     (user_id, user_id, TOKENS_KEPT_PER_USER - 2))

    def refresh(self, refresh_token: str) -> dict[str, object]:
        """New tokens for a valid refresh token (which is used up); raises Refused(result) otherwise."""
        digest = _digest(refresh_token)
        rows = self._db.run("SELECT user_id, expires FROM tokens WHERE digest = ? AND kind = 'refresh'", (digest,))
        now = time.time()
        if not rows:
            self._refreshes.labels(result="invalid").inc()
            raise Refused("invalid")
        self._db.run("DELETE FROM tokens WHERE digest = ?", (digest,))
        user_id, expires = rows[0]
        if expires <= now:
            self._refreshes.labels(result="expired").inc()
            raise Refused("expired")
        self._refreshes.labels(result="ok").inc()
        self._revoke_oldest(user_id)
        return self._issue(user_id, now)

    def user_of(self, access_token: str) -> int | None:
        rows = self._db.run("SELECT user_id FROM tokens WHERE digest = ? AND kind = 'access' AND expires > ?",
                            (_digest(access_token), time.time()))
        return rows[0][0] if rows else None

    def purge_expired(self) -> None:
        self._db.run("DELETE FROM tokens WHERE expires <= ?", (time.time(),))

    def active_users(self) -> int:
        """Users who logged in or refreshed a token within the last 15 minutes."""
        rows = self._db.run("SELECT COUNT(DISTINCT user_id) FROM tokens WHERE issued > ?",
                            (time.time() - ACTIVE_WINDOW,))
        return rows[0][0]
