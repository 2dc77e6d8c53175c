"""In-process real-time hub: which sockets belong to which user, and local fan-out.

Publishers (`LocalPublisher` here, `RedisPublisher` in adapters) hand events to the hubs of
every instance; each hub puts them on the queues of its local connections.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from chatbank.core import fastjson

QUEUE_LIMIT = 5000


class Connection:
    """One live socket's outbound queue and per-conversation delivery cursors.

    A deque and one waiter future rather than `asyncio.Queue`: every frame to every socket
    passes through here, and the queue's bookkeeping was a measurable share of a message.
    """

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.pending: deque[tuple[dict[str, Any], str]] = deque()
        self.cursors: dict[str, int] = {}
        self.overflowed = False
        self._waiter: asyncio.Future[None] | None = None

    def offer(self, item: tuple[dict[str, Any], str]) -> None:
        if len(self.pending) >= QUEUE_LIMIT:
            # A client too slow to keep up is disconnected; it resumes from its cursors.
            self.overflowed = True
            return
        self.pending.append(item)
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> tuple[dict[str, Any], str]:
        """The next outbound item, in offer order."""
        while not self.pending:
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        return self.pending.popleft()


class Hub:
    def __init__(self) -> None:
        self._by_user: dict[str, set[Connection]] = {}

    def attach(self, connection: Connection) -> None:
        self._by_user.setdefault(connection.user_id, set()).add(connection)

    def detach(self, connection: Connection) -> None:
        conns = self._by_user.get(connection.user_id)
        if conns is not None:
            conns.discard(connection)
            if not conns:
                del self._by_user[connection.user_id]

    def deliver(self, recipients: list[str], event: dict[str, Any], text: str) -> None:
        for user_id in recipients:
            for connection in self._by_user.get(user_id, ()):
                connection.offer((event, text))

    def resync(self) -> None:
        """Ask every local socket to catch up from its cursors (after missed fan-out)."""
        for connections in self._by_user.values():
            for connection in connections:
                connection.offer(({"type": "_resync"}, ""))

    def online(self, user_id: str) -> bool:
        return user_id in self._by_user

    @property
    def connection_count(self) -> int:
        return sum(len(c) for c in self._by_user.values())


class LocalPublisher:
    """Single-instance fan-out: straight into this process's hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub

    async def publish(self, recipients: list[str], event: dict[str, Any],
                      text: str | None = None) -> None:
        self.hub.deliver(recipients, event,
                         fastjson.dumps(event) if text is None else text)
