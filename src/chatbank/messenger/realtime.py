"""In-process real-time hub: which sockets belong to which user, and local fan-out.

Publishers (`LocalPublisher` here, `RedisPublisher` in adapters) hand events to the hubs of
every instance; each hub puts them on the queues of its local connections.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from chatbank.core import fastjson

QUEUE_LIMIT = 5000


SendNow = Callable[[str], bool]
"""Writes one text frame to the socket at once; False when it cannot (paused, closing)."""


class Connection:
    """One live socket's outbound queue and per-conversation delivery cursors.

    A deque and one waiter future rather than `asyncio.Queue`: every frame to every socket
    passes through here, and the queue's bookkeeping was a measurable share of a message.

    While the socket's writer waits on an empty queue after the client's resume (`get(live=
    True)`), an offered frame that needs nothing before it goes straight to the socket through
    `send_now`, without waking the writer (docs/performance.md). A gap in a conversation's
    sequence, a control item or a socket that cannot take the frame at once falls back to the
    queue, where the writer catches up first.
    """

    def __init__(self, user_id: str, send_now: SendNow | None = None) -> None:
        self.user_id = user_id
        self.pending: deque[tuple[dict[str, Any], str]] = deque()
        self.cursors: dict[str, int] = {}
        self.overflowed = False
        self._waiter: asyncio.Future[None] | None = None
        self._send_now = send_now
        self._live = False  # the writer waits on an empty queue, past the resume

    def offer(self, item: tuple[dict[str, Any], str]) -> None:
        if self._live and self._send_now is not None and self._sent_now(*item):
            return
        if len(self.pending) >= QUEUE_LIMIT:
            # A client too slow to keep up is disconnected; it resumes from its cursors.
            self.overflowed = True
            return
        self.pending.append(item)
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self, *, live: bool = False) -> tuple[dict[str, Any], str]:
        """The next outbound item, in offer order; `live` lets offers skip the queue meanwhile."""
        while not self.pending:
            self._waiter = asyncio.get_running_loop().create_future()
            self._live = live
            try:
                await self._waiter
            finally:
                self._live = False
        return self.pending.popleft()

    def admit(self, conversation_id: str, seq: int) -> int | None:
        """How an event of `seq` fits this socket's cursor: -1 if it was delivered already,
        the cursor if events are missing before it, None if it is next (or the first seen)."""
        cursor = self.cursors.get(conversation_id)
        if cursor is not None and seq <= cursor:
            return -1
        if cursor is not None and seq > cursor + 1:
            return cursor
        return None

    def _sent_now(self, frame: dict[str, Any], text: str) -> bool:
        assert self._send_now is not None
        kind = frame.get("type")
        if kind == "event":
            conversation_id, seq = frame["conversation_id"], frame["seq"]
            fit = self.admit(conversation_id, seq)
            if fit == -1:
                return True
            if fit is not None or not self._send_now(text):
                return False
            self.cursors[conversation_id] = seq
            return True
        return isinstance(kind, str) and not kind.startswith("_") and self._send_now(text)


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
