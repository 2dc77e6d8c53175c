"""Retries through crashes: a request that got no answer (connection refused or cut, 5xx,
a locked database) is sent again, the same request, with backoff, for a bounded time."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.exc import OperationalError

TRANSIENT = (httpx.TransportError, OperationalError)
RETRY_FOR_S = 240.0  # a restart on a loaded 2-core machine can take a minute


class ServerUnavailable(RuntimeError):
    """A server did not answer within RETRY_FOR_S."""


@dataclass
class Retrying:
    """Backoff between attempts, and a count of all retries made."""

    retries: int = 0

    async def run(self, attempt: Any, what: str) -> Any:
        deadline = asyncio.get_running_loop().time() + RETRY_FOR_S
        delay = 0.05
        while True:
            try:
                result = await attempt()
                if not (isinstance(result, httpx.Response) and result.status_code >= 500):
                    return result
            except TRANSIENT:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise ServerUnavailable(f"{what}: no answer within {RETRY_FOR_S} s")
            self.retries += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
