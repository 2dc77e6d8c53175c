"""One user's chat with the assistant, timed from the message sent to the reply card received.

The user's message goes in through the platform's HTTP API (as the web client sends it); the
turn ends when the assistant's first reply to that message — a `message.new` event whose
`client_id` is `re:<message id>:0` — arrives on the user's own WebSocket.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from chatbank.benchmarks._headless import TIMEOUT_S, JourneyError, PlatformUser


@dataclass
class AssistantChat:
    user: PlatformUser
    conversation_id: str
    ws: ClientConnection
    replies: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    reader: asyncio.Task[None] | None = None

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                frame: dict[str, Any] = json.loads(raw)
                if frame.get("type") != "event" or frame.get("kind") != "message.new":
                    continue
                message = frame["payload"]
                client_id = str(message.get("client_id") or "")
                if client_id.startswith("re:") and client_id.endswith(":0"):
                    self.replies[client_id[3:-2]] = (time.perf_counter(), message)
                    self.arrived.set()

    async def turn(self, text: str) -> tuple[float, dict[str, Any]]:
        """Send `text`; return the seconds until the first reply arrived, and that reply."""
        started = time.perf_counter()
        sent = await self.user.post(f"/api/v1/conversations/{self.conversation_id}/messages",
                                    {"client_id": uuid.uuid4().hex, "text": text}, 201)
        message_id = str(sent["message"]["id"])
        deadline = time.monotonic() + TIMEOUT_S
        while message_id not in self.replies:
            self.arrived.clear()
            if message_id in self.replies:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise JourneyError(f"no assistant reply to {text!r} within {TIMEOUT_S} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), remaining)
        at, reply = self.replies.pop(message_id)
        return at - started, reply

    async def close(self) -> None:
        await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()
            await asyncio.gather(self.reader, return_exceptions=True)


async def open_assistant_chat(user: PlatformUser) -> AssistantChat:
    """The user's direct chat with the assistant bot, and their socket, resumed and read."""
    bot = (await user.get("/api/v1/users/by-handle/assistant"))["user"]
    opened = await user.post("/api/v1/conversations/direct", {"user_id": bot["id"]}, 201)
    conversation = opened["conversation"]
    ws_url = str(user.http.base_url).rstrip("/").replace("http://", "ws://") + "/ws"
    ws = await connect(ws_url, additional_headers={"Authorization": f"Bearer {user.token}"},
                       max_size=2**22, ping_interval=None, open_timeout=TIMEOUT_S)
    await ws.send(json.dumps({"type": "resume",
                              "cursors": {conversation["id"]: conversation["last_seq"]}}))
    async for raw in ws:
        if json.loads(raw).get("type") == "resumed":
            break
    chat = AssistantChat(user, str(conversation["id"]), ws)
    chat.reader = asyncio.create_task(chat._read())
    return chat
