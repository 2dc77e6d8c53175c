"""The group-commit thread: it takes each next batch itself, answers every caller with its own
result or error, and survives a failing batch."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from chatbank.db.batch_thread import BatchThread


class Recorder:
    """A commit function that doubles each request and records its batches and thread."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.threads: set[str] = set()

    def __call__(self, requests: list[int]) -> list[int | BaseException]:
        self.batches.append(list(requests))
        self.threads.add(threading.current_thread().name)
        return [ValueError(f"odd {r}") if r < 0 else r * 2 for r in requests]


async def test_queued_batches_commit_while_the_event_loop_is_busy() -> None:
    commit = Recorder()
    writer: BatchThread[int, int] = BatchThread("test-writer", commit, max_batch=3)
    callers = [asyncio.create_task(writer.submit(n)) for n in range(9)]
    await asyncio.sleep(0)  # every caller has queued its request
    time.sleep(0.5)  # the event loop is busy: none of it runs meanwhile
    # A writer that waited for the event loop between batches would have committed one.
    assert sorted(n for batch in commit.batches for n in batch) == list(range(9))
    assert max(len(batch) for batch in commit.batches) <= 3
    assert commit.threads == {"test-writer"}
    assert await asyncio.gather(*callers) == [n * 2 for n in range(9)]
    await writer.stop()


async def test_each_caller_gets_its_own_error_and_the_others_their_results() -> None:
    writer: BatchThread[int, int] = BatchThread("test-writer", Recorder(), max_batch=10)
    results = await asyncio.gather(writer.submit(1), writer.submit(-1), writer.submit(2),
                                   return_exceptions=True)
    assert results[0] == 2 and results[2] == 4
    assert isinstance(results[1], ValueError) and str(results[1]) == "odd -1"
    await writer.stop()


async def test_a_commit_that_raises_fails_its_batch_and_the_thread_goes_on() -> None:
    calls: list[list[int]] = []

    def commit(requests: list[int]) -> list[int | BaseException]:
        calls.append(requests)
        if len(calls) == 1:
            raise RuntimeError("disk on fire")
        return list(requests)

    writer: BatchThread[int, int] = BatchThread("test-writer", commit, max_batch=10)
    with pytest.raises(RuntimeError, match="disk on fire"):
        await writer.submit(1)
    assert await writer.submit(2) == 2
    await writer.stop()


async def test_stop_commits_what_is_queued_then_refuses_new_requests() -> None:
    commit = Recorder()
    stopped: list[bool] = []
    writer: BatchThread[int, int] = BatchThread("test-writer", commit, max_batch=2,
                                                on_stop=lambda: stopped.append(True))
    callers = [asyncio.create_task(writer.submit(n)) for n in range(5)]
    await asyncio.sleep(0)
    await writer.stop()
    assert await asyncio.gather(*callers) == [0, 2, 4, 6, 8]
    assert sorted(n for batch in commit.batches for n in batch) == [0, 1, 2, 3, 4]
    assert stopped == [True]
    with pytest.raises(RuntimeError, match="stopped"):
        await writer.submit(5)


async def test_a_cancelled_caller_does_not_disturb_the_rest_of_its_batch() -> None:
    release = threading.Event()

    def commit(requests: list[int]) -> list[int | BaseException]:
        release.wait(5)
        return list(requests)

    writer: BatchThread[int, int] = BatchThread("test-writer", commit, max_batch=10)
    first, second = (asyncio.create_task(writer.submit(n)) for n in (1, 2))
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == 2
    with pytest.raises(asyncio.CancelledError):
        await first
    await writer.stop()


async def test_a_writer_never_used_starts_no_thread() -> None:
    before = threading.active_count()
    stopped: list[bool] = []
    writer: BatchThread[int, int] = BatchThread("test-writer", Recorder(), max_batch=2,
                                                on_stop=lambda: stopped.append(True))
    assert threading.active_count() == before
    await writer.stop()
    assert stopped == [True]
