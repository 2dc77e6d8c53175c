"""The baseline: a bare `websockets` broadcast server speaking the subset of `/ws` the chat
benchmark uses (`resume`, `send` → `ack` + `message.new` to every subscriber, `ping`).

It authenticates nothing and stores nothing, so the difference between it and the platform is
what persistence, authorisation and the platform's delivery guarantees cost. It runs on uvloop,
like `chatbank serve`, encodes JSON with the same `chatbank.core.fastjson` (orjson) and
negotiates permessage-deflate with the library's defaults.

Run: `python -m chatbank.benchmarks.raw_server PORT`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import signal
import sys
from datetime import UTC, datetime
from typing import Any

import uvloop
from websockets.asyncio.server import ServerConnection, broadcast, serve

from chatbank.core import fastjson

MAX_FRAME_BYTES = 64 * 1024
CLOSE_UNAUTHENTICATED = 4401


class Rooms:
    """Which sockets subscribed to which conversation, and each conversation's last sequence."""

    def __init__(self) -> None:
        self.sockets: dict[str, set[ServerConnection]] = {}
        self.last_seq: dict[str, int] = {}
        self.ids = itertools.count(1)

    def subscribe(self, ws: ServerConnection, conversation_ids: list[str]) -> None:
        for conversation_id in conversation_ids:
            self.sockets.setdefault(conversation_id, set()).add(ws)

    def unsubscribe(self, ws: ServerConnection) -> None:
        for members in self.sockets.values():
            members.discard(ws)

    def publish(self, sender_id: str, frame: dict[str, Any]) -> dict[str, Any]:
        conversation_id = str(frame["conversation_id"])
        seq = self.last_seq.get(conversation_id, 0) + 1
        self.last_seq[conversation_id] = seq
        now = datetime.now(UTC).isoformat()
        message: dict[str, Any] = {
            "id": f"msg{next(self.ids)}", "conversation_id": conversation_id, "seq": seq,
            "sender_id": sender_id, "client_id": frame.get("client_id"),
            "text": frame.get("text"), "card": None, "reply_to_id": None,
            "created_at": now, "edited_at": None, "deleted": False, "reactions": {}}
        event = {"type": "event", "conversation_id": conversation_id, "seq": seq,
                 "kind": "message.new", "actor_id": sender_id, "payload": message,
                 "created_at": now}
        broadcast(self.sockets.get(conversation_id, ()), fastjson.dumps(event))
        return message


async def _serve_socket(rooms: Rooms, ws: ServerConnection) -> None:
    authorization = ws.request.headers.get("Authorization", "") if ws.request else ""
    if not authorization.startswith("Bearer "):
        await ws.close(CLOSE_UNAUTHENTICATED)
        return
    user_id = authorization.removeprefix("Bearer ")
    try:
        async for raw in ws:
            frame = fastjson.loads(raw)
            kind = frame.get("type")
            if kind == "resume":
                rooms.subscribe(ws, list(frame.get("cursors", {})))
                await ws.send('{"type":"resumed"}')
            elif kind == "send":
                message = rooms.publish(user_id, frame)
                await ws.send(fastjson.dumps({"type": "ack", "ref": frame.get("ref"),
                                              "message": message}))
            elif kind == "ping":
                await ws.send(fastjson.dumps({"type": "pong", "ref": frame.get("ref")}))
    finally:
        rooms.unsubscribe(ws)


async def run(port: int) -> None:
    """Serve on 127.0.0.1:`port` until SIGTERM or SIGINT."""
    rooms = Rooms()
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)

    async def handler(ws: ServerConnection) -> None:
        await _serve_socket(rooms, ws)

    async with serve(handler, "127.0.0.1", port, max_size=MAX_FRAME_BYTES, ping_interval=None,
                     backlog=4096):
        await stop


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(run(int(sys.argv[1])))
