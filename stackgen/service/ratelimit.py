"""A sliding-window limit on attempts per key (a client address, a user name), bounded in memory.

Login attempts are limited per client and per user, so guessing passwords costs time whichever of the two
an attacker varies. The table of keys is bounded: past MAX_KEYS it drops the keys whose window has passed,
and if every key is still active it refuses new keys rather than grow.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_KEYS = 10_000


class RateLimit:
    def __init__(self, attempts: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Record an attempt for `key`; False when it is over the limit (the attempt is then not recorded)."""
        now = self._clock()
        times = self._seen.get(key)
        if times is None:
            if len(self._seen) >= MAX_KEYS:
                self._forget_idle(now)
                if len(self._seen) >= MAX_KEYS:
                    return False
            times = self._seen[key] = deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.attempts:
            return False
        times.append(now)
        return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, times in self._seen.items() if not times or times[-1] <= now - self.window]:
            del self._seen[key]
