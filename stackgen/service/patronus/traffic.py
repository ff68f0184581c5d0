"""The Patronus scenario's own light background traffic, so rate-based alerts can fire with no outside client.

Each tick it logs in (or refreshes its token) and reads the path list, calling the ASGI app in-process:
the requests go through the same middleware, routes, auth and database as real ones. About one login in
twenty is preceded by a mistyped one. Under the login_failures fault every tick adds two refused logins.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from stackgen.service.faults import Faults
from stackgen.service.inprocess import call_app

REFRESH_EVERY = 10  # rounds between token refreshes
LOGIN_EVERY = 60  # rounds between fresh logins
log = logging.getLogger("stackgen.service")


class Traffic:
    def __init__(self, app: Any, faults: Faults, tick: float, user: str, password: str, seed: int | None = None):
        self._app = app
        self._faults = faults
        self._tick = tick
        self._user, self._password = user, password
        self._rng = random.Random(seed)
        self._tokens: dict[str, Any] = {}
        self._round = 0

    async def _login(self, user: str, password: str) -> None:
        status, body = await call_app(self._app, "POST", "/api/login", {"username": user, "password": password})
        if status == 200 and user == self._user:
            self._tokens = body

    async def one_round(self) -> None:
        self._round += 1
        if not self._tokens or self._round % LOGIN_EVERY == 0:
            if self._rng.random() < 0.05:  # now and then the password is mistyped first
                await self._login(self._user, self._password + "-typo")
            await self._login(self._user, self._password)
        elif self._round % REFRESH_EVERY == 0:
            status, body = await call_app(self._app, "POST", "/api/token/refresh",
                                          {"refresh_token": self._tokens["refresh_token"]})
            self._tokens = body if status == 200 else {}
        if self._faults.active("login_failures"):  # credential stuffing: a known name and a guessed one
            await self._login("admin", f"guess-{self._rng.randrange(10**6)}")
            await self._login(f"user{self._rng.randrange(100)}", "password")
        token = self._tokens.get("access_token")
        status, _ = await call_app(self._app, "GET", "/api/paths", token=token)
        if status == 401:
            self._tokens = {}
        if self._round % 5 == 0:
            await call_app(self._app, "GET", "/api/sites", token=token)

    async def run(self) -> None:
        while True:
            try:
                await self.one_round()
            except Exception:  # a background loop must outlive any one bad round
                log.exception("traffic round failed")
            await asyncio.sleep(self._tick)
