"""The real-time socket: resume from cursors, in-order exactly-once delivery, sends and acks.

Outbound frames go through the connection (`messenger.realtime.Connection`), which keeps a
cursor per conversation: duplicates are dropped and gaps are filled from the event log, so a
client sees each conversation's events once and in sequence order. One writer task per socket
drains the connection's queue; once the client has resumed and that queue is empty, a frame
that needs nothing before it is written at once (the server's `SEND_NOW` extension) instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import urlsplit

from fastapi import WebSocket, WebSocketDisconnect
from starlette.types import Send
from starlette.websockets import WebSocketState

from chatbank.bootstrap import Platform
from chatbank.core import fastjson
from chatbank.core.errors import ChatbankError, NotFound
from chatbank.messenger.realtime import Connection
from chatbank.messenger.services.accounts import AuthContext
from chatbank.messenger.services.events import event_to_wire
from chatbank.web.deps import SESSION_COOKIE, bearer_token
from chatbank.web.ws_protocol import SEND_NOW

MAX_FRAME_CHARS = 32 * 1024
MAX_CURSORS = 2000
CLOSE_UNAUTHENTICATED = 4401
CLOSE_TOO_SLOW = 1013
RESUME_GRACE_S = 1.0


async def _authenticate(ws: WebSocket, platform: Platform) -> AuthContext | None:
    token = bearer_token(ws.headers.get("authorization"))
    if token is None:
        token = ws.cookies.get(SESSION_COOKIE)
        origin = ws.headers.get("origin")
        # Cookie-authenticated sockets must come from our own pages (cross-site WS hijacking).
        if token is None or origin is None or urlsplit(origin).netloc != ws.headers.get("host"):
            return None
    try:
        return await platform.accounts.authenticate(token)
    except ChatbankError:
        return None


async def realtime_socket(ws: WebSocket) -> None:
    platform: Platform = ws.app.state.platform
    auth = await _authenticate(ws, platform)
    await ws.accept()
    if auth is None:
        # Accept first so that browsers see the code (a refused handshake is just 1006).
        await ws.close(code=CLOSE_UNAUTHENTICATED, reason="log in first")
        return
    connection = Connection(auth.user.id, ws.scope.get("extensions", {}).get(SEND_NOW))
    platform.hub.attach(connection)
    writer = asyncio.create_task(_write_loop(ws, connection, platform))
    try:
        # Its own task: each wake-up then resumes only the read loop's frames, not the ~15
        # nested ASGI middleware coroutines this handler runs under (cancelled with it).
        await asyncio.create_task(_read_loop(ws, connection, auth, platform))
    except WebSocketDisconnect:
        pass
    finally:
        platform.hub.detach(connection)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await writer


def _compact(value: Any) -> str:
    return fastjson.dumps(value)


def _reply(connection: Connection, frame: dict[str, Any]) -> None:
    connection.offer((frame, _compact(frame)))


def _error(connection: Connection, code: str, message: str, ref: Any = None) -> None:
    _reply(connection, {"type": "error", "ref": ref, "code": code, "message": message})


async def _read_loop(ws: WebSocket, connection: Connection, auth: AuthContext,
                     platform: Platform) -> None:
    # Frames come straight from the ASGI channel: Starlette's per-call state checks were a
    # measurable share of a message, and this loop alone reads the socket once it is accepted.
    receive = ws._receive
    while True:
        message = await receive()
        raw = message.get("text")
        if raw is None:
            if message["type"] == "websocket.disconnect":
                ws.client_state = WebSocketState.DISCONNECTED
                raise WebSocketDisconnect(message.get("code", 1000), message.get("reason"))
            _error(connection, "invalid_frame", "Frames are JSON text, not binary.")
            continue
        if len(raw) > MAX_FRAME_CHARS:
            _error(connection, "frame_too_large", f"Frames are at most {MAX_FRAME_CHARS} chars.")
            continue
        try:
            frame = fastjson.loads(raw)
        except ValueError:  # nested too deep to parse included
            _error(connection, "malformed_json", "The frame is not valid JSON.")
            continue
        if not isinstance(frame, dict):
            _error(connection, "invalid_frame", "A frame is a JSON object with a 'type'.")
            continue
        try:
            await _dispatch(frame, connection, auth, platform)
        except ChatbankError as error:
            _error(connection, error.code, error.message, frame.get("ref"))


def _str(frame: dict[str, Any], key: str, *, optional: bool = False) -> Any:
    value = frame.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > 200_000:
        raise ChatbankError("invalid_frame", f"'{key}' must be a string.")
    return value


def _int(frame: dict[str, Any], key: str) -> int:
    value = frame.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ChatbankError("invalid_frame", f"'{key}' must be a non-negative integer.")
    return value


async def _dispatch(frame: dict[str, Any], connection: Connection, auth: AuthContext,
                    platform: Platform) -> None:
    kind = frame.get("type")
    if kind == "resume":
        cursors = frame.get("cursors")
        if not isinstance(cursors, dict) or len(cursors) > MAX_CURSORS or not all(
                isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
                for k, v in cursors.items()):
            raise ChatbankError("invalid_frame", "'cursors' maps conversation ids to sequences.")
        connection.offer(({"type": "_resume", "cursors": cursors}, ""))
    elif kind == "send":
        outcome = await platform.messages.send_rendered(
            auth, _str(frame, "conversation_id"), _str(frame, "client_id"),
            _str(frame, "text"), None, _str(frame, "reply_to_id", optional=True))
        ref = frame.get("ref")
        # The message is already encoded once (it is also the stored event's payload).
        connection.offer(({"type": "ack", "ref": ref, "message": outcome.wire},
                          f'{{"type":"ack","ref":{_compact(ref)},"message":{outcome.wire_json}}}'))
    elif kind in ("read", "delivered"):
        await platform.messages.mark(auth, _str(frame, "conversation_id"), _int(frame, "seq"),
                                     read=kind == "read")
    elif kind == "typing":
        await platform.messages.typing(auth, _str(frame, "conversation_id"))
    elif kind == "ping":
        _reply(connection, {"type": "pong", "ref": frame.get("ref")})
    else:
        raise ChatbankError("unknown_frame_type", "Frame types: resume, send, read, delivered, "
                                                  "typing, ping.")


async def _write_loop(ws: WebSocket, connection: Connection, platform: Platform) -> None:
    # Live events that arrive before the client's `resume` are held (briefly) and delivered
    # after the catch-up, through the cursors, so none is sent twice.
    held: list[tuple[dict[str, Any], str]] | None = []
    send = ws._send  # frames go straight to the ASGI channel (see `_read_loop`)
    deadline = asyncio.get_running_loop().time() + RESUME_GRACE_S
    while True:
        try:
            if held is None:
                frame, text = (connection.pending.popleft() if connection.pending
                               else await connection.get(live=True))
            else:
                frame, text = await asyncio.wait_for(connection.get(), max(
                    0.0, deadline - asyncio.get_running_loop().time()))
        except TimeoutError:
            await _release(send, connection, platform, held or [])
            held = None
            continue
        if connection.overflowed:
            await ws.close(code=CLOSE_TOO_SLOW)
            return
        kind = frame.get("type")
        if kind == "_resume":
            for conversation_id, seq in frame["cursors"].items():
                if connection.cursors.get(conversation_id, -1) < seq:
                    await _catch_up(send, connection, platform, conversation_id, seq, None)
            await _release(send, connection, platform, held or [])
            held = None
            await _send_text(send, '{"type":"resumed"}')
        elif kind == "_resync":
            for conversation_id, seq in list(connection.cursors.items()):
                await _catch_up(send, connection, platform, conversation_id, seq, None)
        elif kind == "event" and held is not None:
            held.append((frame, text))
        elif kind == "event":
            await _deliver_event(send, connection, platform, frame, text)
        else:
            await _send_text(send, text)


async def _send_text(send: Send, text: str) -> None:
    await send({"type": "websocket.send", "text": text})


async def _release(send: Send, connection: Connection, platform: Platform,
                   held: list[tuple[dict[str, Any], str]]) -> None:
    """Deliver the held live events (cursors drop what the catch-up already sent)."""
    for frame, text in held:
        await _deliver_event(send, connection, platform, frame, text)


async def _deliver_event(send: Send, connection: Connection, platform: Platform,
                         frame: dict[str, Any], text: str) -> None:
    conversation_id, seq = frame["conversation_id"], frame["seq"]
    cursor = connection.admit(conversation_id, seq)
    if cursor == -1:
        return  # already delivered (by catch-up, or a duplicate from another path)
    if cursor is not None:
        await _catch_up(send, connection, platform, conversation_id, cursor, seq - 1)
    connection.cursors[conversation_id] = seq
    await send({"type": "websocket.send", "text": text})


async def _catch_up(send: Send, connection: Connection, platform: Platform,
                    conversation_id: str, after_seq: int, up_to: int | None) -> None:
    """Send the stored events after `after_seq` (up to `up_to`), in order."""
    cursor = after_seq
    while up_to is None or cursor < up_to:
        try:
            batch = await platform.messages.events_since(connection.user_id, conversation_id,
                                                         cursor, 500)
        except NotFound:
            break
        batch = [e for e in batch if up_to is None or e.seq <= up_to]
        for event in batch:
            await _send_text(send, fastjson.dumps(event_to_wire(event)))
            cursor = event.seq
        if len(batch) < 500:
            break
    connection.cursors[conversation_id] = max(cursor, connection.cursors.get(conversation_id, 0))
