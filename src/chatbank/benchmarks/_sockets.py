"""The client side of the chat benchmark: member sockets and counting `message.new` arrivals.

A message counts as done when every member's socket (the sender's included) has received its
`message.new` event. Latency is taken at the members other than the sender, from the moment the
message was due to be sent, so a server that falls behind cannot hide it (no coordinated
omission).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from chatbank.benchmarks._targets import Identity, Room
from chatbank.core import fastjson

TEXT_PADDING = "x" * 48  # a short chat line, like most real ones
CONNECT_CONCURRENCY = 100


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where sockets connect, and whether they offer permessage-deflate as browsers do."""

    ws_url: str
    deflate: bool = True


async def open_socket(endpoint: Endpoint, identity: Identity) -> ClientConnection:
    """An authenticated socket."""
    return await connect(endpoint.ws_url, compression="deflate" if endpoint.deflate else None,
                         additional_headers={"Authorization": f"Bearer {identity.token}"},
                         max_size=2**20, ping_interval=None, open_timeout=60, close_timeout=2)


@dataclass(slots=True)
class _Pending:
    remaining: int
    others_remaining: int  # receipts still due at members other than the sender
    due_ns: int
    on_done: Callable[[bool], None] | None


@dataclass(slots=True)
class Tracker:
    """Messages in flight, and what happened to them."""

    pending: dict[str, _Pending] = field(default_factory=dict)
    completed_at_ns: list[int] = field(default_factory=list)
    latencies_ns: list[int] = field(default_factory=list)
    errors: int = 0
    deliveries: int = 0
    _emptied: asyncio.Event = field(default_factory=asyncio.Event)

    def expect(self, key: str, members: int, due_ns: int,
               on_done: Callable[[bool], None] | None = None) -> None:
        self.pending[key] = _Pending(members, members - 1, due_ns, on_done)
        self._emptied.clear()

    def delivered(self, key: str, at_sender: bool, now_ns: int) -> None:
        entry = self.pending.get(key)
        if entry is None:
            return
        self.deliveries += 1
        if not at_sender:
            entry.others_remaining -= 1
            self.latencies_ns.append(now_ns - entry.due_ns)
        entry.remaining -= 1
        if entry.remaining == 0:
            self.completed_at_ns.append(now_ns)
            self._settle(key, entry, True)

    def abandon(self) -> None:
        """Release every sender still waiting; what is in flight stays pending (incomplete)."""
        for entry in self.pending.values():
            if entry.on_done is not None:
                entry.on_done(False)
                entry.on_done = None

    def failed(self, key: str) -> None:
        self.errors += 1
        entry = self.pending.get(key)
        if entry is not None:
            self._settle(key, entry, False)

    def _settle(self, key: str, entry: _Pending, ok: bool) -> None:
        del self.pending[key]
        if not self.pending:
            self._emptied.set()
        if entry.on_done is not None:
            entry.on_done(ok)

    async def drain(self, timeout_s: float) -> None:
        """Wait until nothing is in flight, or `timeout_s` (what is left counts as incomplete)."""
        if self.pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._emptied.wait(), timeout_s)

    def oldest_wait_ns(self, now_ns: int) -> int:
        """How long the oldest message still in flight has been waiting (0 if none)."""
        for entry in self.pending.values():  # insertion order: the first is the oldest
            return now_ns - entry.due_ns
        return 0

    def missing_waits_ns(self, now_ns: int) -> list[int]:
        """For each receipt that never came, how long it has been waited for (a lower bound)."""
        return [now_ns - entry.due_ns for entry in self.pending.values()
                for _ in range(entry.others_remaining)]

    def completed_between(self, start_ns: int, end_ns: int) -> int:
        return sum(1 for t in self.completed_at_ns if start_ns <= t < end_ns)


def send_frame(room: Room, key: str) -> str:
    return fastjson.dumps({"type": "send", "ref": key, "conversation_id": room.conversation_id,
                           "client_id": key, "text": f"{key}|{TEXT_PADDING}"})


class MemberSockets:
    """One open, resumed socket per member of each room, each read by its own task."""

    def __init__(self, endpoint: Endpoint, rooms: list[Room], cursors: dict[str, int]) -> None:
        self.endpoint, self.rooms, self.cursors = endpoint, rooms, cursors
        self.sockets: dict[tuple[str, str], ClientConnection] = {}
        self.tracker = Tracker()
        self._readers: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> MemberSockets:
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)
        await asyncio.gather(*(self._open(room, member, limit)
                               for room in self.rooms for member in room.members))
        return self

    async def _open(self, room: Room, member: Identity, limit: asyncio.Semaphore) -> None:
        async with limit:
            ws = await open_socket(self.endpoint, member)
        self.sockets[(room.conversation_id, member.user_id)] = ws
        cursor = self.cursors.get(room.conversation_id, room.start_seq)
        await ws.send(fastjson.dumps({"type": "resume",
                                      "cursors": {room.conversation_id: cursor}}))
        async for raw in ws:  # events from before the cursor would show up here; there are none
            if fastjson.loads(raw).get("type") == "resumed":
                break
        self._readers.append(asyncio.create_task(self._read(ws, member.user_id)))

    async def _read(self, ws: ClientConnection, user_id: str) -> None:
        tracker, cursors = self.tracker, self.cursors
        with contextlib.suppress(Exception):
            while True:  # bytes as they came: orjson parses UTF-8 without a str in between
                frame: dict[str, Any] = fastjson.loads(await ws.recv(decode=False))
                kind = frame.get("type")
                if kind == "event":
                    conversation_id = frame["conversation_id"]
                    cursors[conversation_id] = max(cursors.get(conversation_id, 0), frame["seq"])
                    if frame["kind"] == "message.new":
                        message = frame["payload"]
                        tracker.delivered(message["text"].split("|", 1)[0],
                                          message["sender_id"] == user_id, time.perf_counter_ns())
                elif kind == "error":
                    tracker.failed(str(frame.get("ref")))

    def socket(self, room: Room, member: Identity) -> ClientConnection:
        return self.sockets[(room.conversation_id, member.user_id)]

    async def __aexit__(self, *_exc: object) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets.values()),
                             return_exceptions=True)
        for reader in self._readers:
            reader.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)
