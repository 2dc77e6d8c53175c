"""uvicorn's sans-I/O WebSocket protocol with its writes corked for one event-loop turn.

uvicorn writes every frame with its own `transport.write`, and uvloop sends it at once: one
`send()` system call per frame, made while the thread holds the GIL (on loopback the kernel
delivers the segment inside that call). A sent chat message is three frames (the sender's ack,
the event to each member) and those calls were the largest single cost of the event loop
(docs/performance.md). Corked, the frames written in one turn of the loop leave as one write
at the start of the next, in the order they were written.
"""

from __future__ import annotations

import asyncio
import struct
from typing import Any, cast

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request
from websockets.protocol import State

SEND_NOW = "chatbank.websocket.send_now"
"""ASGI scope extension: a synchronous `(text) -> bool` that writes one text frame at once."""


class CorkedTransport(asyncio.Transport):
    """Holds what is written until the loop turns, then writes it all with one call.

    Everything that can end or inspect the stream (close, write_eof, the buffer size) sees the
    held bytes first, so nothing is reordered or lost by holding them.
    """

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._transport, self._loop = transport, loop
        self._held: list[bytes] = []
        self._held_bytes = 0
        self._flush_scheduled = False

    def write(self, data: bytes | bytearray | memoryview[Any]) -> None:
        if not data:
            return
        self._held.append(bytes(data))
        self._held_bytes += len(data)
        if not self._flush_scheduled:
            self._flush_scheduled = True
            self._loop.call_soon(self.flush)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        """Write what is held now (also what the scheduled turn-end callback does)."""
        self._flush_scheduled = False
        if not self._held:
            return
        data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held.clear()
        self._held_bytes = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held.clear()
        self._held_bytes = 0
        self._transport.abort()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def get_write_buffer_size(self) -> int:
        return self._held_bytes + self._transport.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()


class CorkedWebSocketProtocol(WebSocketsSansIOProtocol):
    """The protocol uvicorn runs for `/ws` (`ws=` in its config): writes through a cork, and
    offers the app a synchronous text send as the ASGI extension `SEND_NOW`."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(CorkedTransport(cast(asyncio.Transport, transport), self.loop))

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)  # builds the scope; the app's task has not started yet
        scope = getattr(self, "scope", None)
        if scope is not None:
            cast(dict[str, Any], scope["extensions"])[SEND_NOW] = self.send_text_now

    def send_text_now(self, text: str) -> bool:
        """Frame and write `text` now; False (nothing written) unless the socket is open and
        its transport takes more (a paused one is left to the ASGI `send`, which waits)."""
        if (not self.handshake_complete or self.close_sent or self.disconnected
                or self.initial_response is not None or not self.writable.is_set()):
            return False
        conn = self.conn
        if conn.state is not State.OPEN:  # the peer started closing: the ASGI path reports it
            return False
        payload = text.encode()
        if conn.extensions or conn.writes or conn.debug or conn.expect_continuation_frame:
            conn.send_text(payload)  # the library frames it (and refuses a frame mid-message)
            self.transport.write(b"".join(conn.data_to_send()))
            return True
        # What `send_text` would write here (no extension, a server's unmasked frame, nothing
        # queued before it), without its frame object and serialiser: ~10 % of the event
        # loop's GIL-held time.
        self.transport.write(text_frame_header(len(payload)))
        self.transport.write(payload)
        return True


def text_frame_header(length: int) -> bytes:
    """RFC 6455 header of a final, unmasked text frame carrying `length` payload bytes."""
    if length < 126:
        return bytes((0x81, length))
    if length < 0x10000:
        return struct.pack("!BBH", 0x81, 126, length)
    return struct.pack("!BBQ", 0x81, 127, length)
