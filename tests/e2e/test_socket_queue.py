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
