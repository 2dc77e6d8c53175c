"""In-process real-time hub: which sockets belong to which user, and local fan-out.

Publishers (`LocalPublisher` here, `RedisPublisher` in adapters) hand events to the hubs of
every instance; each hub puts them on the queues of its local connections.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

QUEUE_LIMIT = 5000


class Connection:
    """One live socket's outbound queue and per-conversation delivery cursors."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.queue: asyncio.Queue[tuple[dict[str, Any], str]] = asyncio.Queue(QUEUE_LIMIT)
        self.cursors: dict[str, int] = {}
        self.overflowed = False

    def offer(self, item: tuple[dict[str, Any], str]) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            # A client too slow to keep up is disconnected; it resumes from its cursors.
            self.overflowed = True


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

    async def publish(self, recipients: list[str], event: dict[str, Any]) -> None:
        self.hub.deliver(recipients, event, json.dumps(event, separators=(",", ":")))
