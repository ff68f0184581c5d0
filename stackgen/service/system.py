"""Process-level metrics: build info, uptime, resident memory, the memory limit, active users."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

from stackgen.service.metrics import SpecMetrics

# cgroup v2, then v1; a v1 "unlimited" value is a huge number, not "max".
CGROUP_LIMIT_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
UNLIMITED = 2**60


def resident_bytes() -> float:
    """Current resident set size, from /proc; peak RSS where /proc is missing."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return float(pages * os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)


def memory_limit_bytes() -> float:
    """The container's memory limit when there is one, else the machine's physical memory."""
    for name in CGROUP_LIMIT_FILES:
        try:
            value = Path(name).read_text().strip()
        except OSError:
            continue
        if value.isdigit() and int(value) < UNLIMITED:
            return float(value)
    return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


class SystemMetrics:
    """The process metrics a spec declares under these names; active users only when a scenario counts them."""

    def __init__(self, metrics: SpecMetrics, version: str, active_users: Callable[[], int] | None) -> None:
        started = time.monotonic()
        metrics.claim("app_info", "gauge", ["version"]).labels(version=version).set(1)
        # Computed when scraped, so they are exact without a loop.
        metrics.claim("app_uptime_seconds", "gauge").set_function(lambda: time.monotonic() - started)
        metrics.claim("app_memory_usage_bytes", "gauge").set_function(resident_bytes)
        metrics.claim("app_memory_limit_bytes", "gauge").set(memory_limit_bytes())
        self._count_active = active_users
        self._active_users = metrics.claim("app_active_users", "gauge") if active_users else None

    def update(self) -> None:
        """Refresh the values that cost a query; called every tick."""
        if self._active_users is not None and self._count_active is not None:
            self._active_users.set(self._count_active())
