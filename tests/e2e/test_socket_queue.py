"""A socket's outbound queue: frames leave in the order they were offered, a waiting writer is
woken by the next offer, and a client that falls QUEUE_LIMIT frames behind is marked for
disconnection (it resumes from its cursors) instead of growing the server's memory."""

from __future__ import annotations

import asyncio

import pytest

from chatbank.messenger.realtime import QUEUE_LIMIT, Connection


def _frame(n: int) -> tuple[dict[str, object], str]:
    return {"type": "event", "seq": n}, f'{{"seq":{n}}}'


async def test_frames_leave_in_offer_order_and_wake_a_waiting_writer() -> None:
    connection = Connection("usr_a")
    waiting = asyncio.create_task(connection.get())
    await asyncio.sleep(0)  # the writer is parked on an empty queue
    assert not waiting.done()
    for n in (1, 2, 3):
        connection.offer(_frame(n))
    first = await asyncio.wait_for(waiting, 10)
    rest = [await asyncio.wait_for(connection.get(), 10) for _ in range(2)]
    assert [text for _frame_, text in [first, *rest]] == ['{"seq":1}', '{"seq":2}', '{"seq":3}']
    assert not connection.overflowed


async def test_a_writer_given_up_on_does_not_swallow_the_next_frame() -> None:
    connection = Connection("usr_a")
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(connection.get(), 0.01)
    connection.offer(_frame(7))
    assert await asyncio.wait_for(connection.get(), 10) == _frame(7)


async def test_a_client_too_far_behind_is_marked_overflowed() -> None:
    connection = Connection("usr_a")
    for n in range(QUEUE_LIMIT):
        connection.offer(_frame(n))
    assert not connection.overflowed
    connection.offer(_frame(QUEUE_LIMIT))
    assert connection.overflowed
    assert len(connection.pending) == QUEUE_LIMIT


def _event(conversation_id: str, seq: int) -> tuple[dict[str, object], str]:
    return ({"type": "event", "conversation_id": conversation_id, "seq": seq},
            f"{conversation_id}#{seq}")


class _Socket:
    """What `send_now` writes to; `open` False stands for a paused or closing socket."""

    def __init__(self) -> None:
        self.frames: list[str] = []
        self.open = True

    def send_now(self, text: str) -> bool:
        if self.open:
            self.frames.append(text)
        return self.open


async def _parked(connection: Connection, *, live: bool) -> asyncio.Task[object]:
    writer = asyncio.create_task(connection.get(live=live))
    await asyncio.sleep(0)
    return writer


async def test_a_live_idle_socket_gets_the_next_frames_at_once_without_its_writer() -> None:
    socket = _Socket()
    connection = Connection("usr_a", socket.send_now)
    connection.cursors["cnv_1"] = 4
    writer = await _parked(connection, live=True)
    connection.offer(_event("cnv_1", 5))
    connection.offer(({"type": "ack", "ref": "r1"}, '{"type":"ack"}'))
    connection.offer(_event("cnv_2", 1))  # a conversation this socket has not seen yet
    connection.offer(_event("cnv_1", 5))  # a duplicate (another path): dropped
    assert socket.frames == ["cnv_1#5", '{"type":"ack"}', "cnv_2#1"]
    assert connection.cursors == {"cnv_1": 5, "cnv_2": 1}
    assert not writer.done() and not connection.pending
    writer.cancel()


async def test_a_gap_a_control_item_or_a_full_socket_goes_to_the_writer_in_order() -> None:
    socket = _Socket()
    connection = Connection("usr_a", socket.send_now)
    connection.cursors["cnv_1"] = 4
    writer = await _parked(connection, live=True)
    connection.offer(_event("cnv_1", 7))  # 5 and 6 are missing: the writer catches up first
    assert await asyncio.wait_for(writer, 10) == _event("cnv_1", 7)
    assert socket.frames == [] and connection.cursors == {"cnv_1": 4}

    writer = await _parked(connection, live=True)
    connection.offer(({"type": "_resync"}, ""))
    assert await asyncio.wait_for(writer, 10) == ({"type": "_resync"}, "")

    socket.open = False
    writer = await _parked(connection, live=True)
    connection.offer(_event("cnv_1", 5))
    assert await asyncio.wait_for(writer, 10) == _event("cnv_1", 5)
    assert socket.frames == [] and connection.cursors == {"cnv_1": 4}


async def test_before_the_resume_and_while_the_writer_is_busy_frames_are_queued() -> None:
    socket = _Socket()
    connection = Connection("usr_a", socket.send_now)
    connection.offer(_event("cnv_1", 1))  # nobody waits: busy writer
    writer = await _parked(connection, live=False)  # waiting, but before the resume
    assert await asyncio.wait_for(writer, 10) == _event("cnv_1", 1)
    writer = await _parked(connection, live=False)
    connection.offer(_event("cnv_1", 2))
    assert await asyncio.wait_for(writer, 10) == _event("cnv_1", 2)
    assert socket.frames == []
