"""Rate limiting: a port and an in-process fixed-window limiter (Redis adapter in messenger)."""

from __future__ import annotations

import time
from typing import Protocol

from chatbank.core.errors import RateLimited


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        """Count one attempt; return seconds to wait if `limit` is exceeded, else None."""
        ...


class MemoryRateLimiter:
    """Fixed-window counter kept in this process (the embedded single-instance default)."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, int]] = {}

    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        now = int(time.monotonic())
        window = now // window_s
        current_window, count = self._windows.get(key, (window, 0))
        if current_window != window:
            count = 0
        count += 1
        self._windows[key] = (window, count)
        if len(self._windows) > 100_000:
            self._windows = {k: v for k, v in self._windows.items() if v[0] == window}
        if count > limit:
            return (window + 1) * window_s - now
        return None


async def enforce(limiter: RateLimiter, key: str, limit: int, window_s: int, what: str) -> None:
    """Raise `rate_limited` when `key` has been hit more than `limit` times in the window."""
    retry_after = await limiter.hit(key, limit, window_s)
    if retry_after is not None:
        raise RateLimited(
            "rate_limited", f"Too many {what}; try again in {retry_after} s.",
            retry_after_s=retry_after,
        )
