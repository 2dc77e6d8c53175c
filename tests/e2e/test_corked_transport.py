"""The platform's WebSocket writes are corked for one turn of the event loop (`ws_protocol`):
frames written in one turn leave together, in order, and closing never loses or reorders them.
Real sockets on both ends."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from websockets.frames import Frame, Opcode

from chatbank.web.ws_protocol import CorkedTransport, text_frame_header


@pytest.fixture
async def corked() -> AsyncIterator[tuple[CorkedTransport, socket.socket]]:
    ours, peer = socket.socketpair()
    peer.setblocking(False)
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_connection(asyncio.Protocol, sock=ours)
    yield CorkedTransport(transport, loop), peer
    transport.close()
    await asyncio.sleep(0)
    peer.close()


def _received(peer: socket.socket) -> bytes:
    try:
        return peer.recv(65536)
    except BlockingIOError:
        return b""


async def test_frames_written_in_one_turn_leave_together_in_order(
        corked: tuple[CorkedTransport, socket.socket]) -> None:
    transport, peer = corked
    for frame in (b"ack|", b"event-1|", b"event-2|"):
        transport.write(frame)
    assert _received(peer) == b""  # held until the loop turns
    assert transport.get_write_buffer_size() == len(b"ack|event-1|event-2|")
    await asyncio.sleep(0)
    assert _received(peer) == b"ack|event-1|event-2|"
    assert transport.get_write_buffer_size() == 0


async def test_writes_of_later_turns_follow_in_order(
        corked: tuple[CorkedTransport, socket.socket]) -> None:
    transport, peer = corked
    transport.write(b"first")
    await asyncio.sleep(0)
    transport.write(bytearray(b"second"))
    transport.writelines([memoryview(b"third")])
    await asyncio.sleep(0)
    assert _received(peer) == b"firstsecondthird"


async def test_close_writes_what_is_held_before_it_closes(
        corked: tuple[CorkedTransport, socket.socket]) -> None:
    transport, peer = corked
    transport.write(b"close frame")
    transport.close()
    assert transport.is_closing()
    await asyncio.sleep(0.05)
    assert _received(peer) == b"close frame"
    assert peer.recv(10) == b""  # then the end of the stream
    transport.write(b"after close")  # dropped, as the transport itself would
    await asyncio.sleep(0)
    assert transport.get_write_buffer_size() == 0


async def test_abort_drops_what_is_held(corked: tuple[CorkedTransport, socket.socket]) -> None:
    transport, peer = corked
    transport.write(b"never sent")
    transport.abort()
    await asyncio.sleep(0.05)
    assert _received(peer) == b""
    assert transport.get_write_buffer_size() == 0


async def test_the_wrapped_transport_answers_for_itself(
        corked: tuple[CorkedTransport, socket.socket]) -> None:
    transport, _ = corked
    assert transport.get_extra_info("socket") is not None
    assert transport.is_reading()
    transport.pause_reading()
    assert not transport.is_reading()
    transport.resume_reading()
    assert transport.can_write_eof()
    transport.write(b"last")
    transport.write_eof()
    assert transport.get_write_buffer_size() == 0


@pytest.mark.parametrize("length", [0, 1, 125, 126, 127, 65535, 65536, 70000])
def test_the_direct_text_frame_is_the_one_websockets_would_write(length: int) -> None:
    payload = b"x" * length
    expected = Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])
    assert text_frame_header(length) + payload == expected
