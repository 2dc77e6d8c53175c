"""A thread that commits queued requests in batches and takes each next batch itself.

Group commit used to hand each batch to a one-thread executor from an event-loop task: the
task took the queue, awaited the batch, settled its futures and only then took the next batch.
Under load the event loop has a backlog (frames to parse and send), so the result of a batch
waited for its turn there and the writer sat idle meanwhile, with requests already queued: in
the chat benchmark a message waited 4-5 ms in the queue while the writer was idle 3-5 ms
between batches (docs/performance.md). Here the thread takes the next batch as soon as one is
committed; the event loop only appends requests and settles futures.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")
Commit = Callable[[list[RequestT]], Sequence[ResultT | BaseException]]
_Entry = tuple[RequestT, asyncio.Future[ResultT]]

log = logging.getLogger("chatbank.db")


class BatchThread(Generic[RequestT, ResultT]):
    """`submit` queues a request and awaits its own result (or error). The thread commits up to
    `max_batch` queued requests at a time with `commit`, which answers each request in order,
    runs `after_batch` between batches and `on_stop` when it stops, all in this one thread."""

    def __init__(self, name: str, commit: Commit[RequestT, ResultT], max_batch: int,
                 after_batch: Callable[[], None] | None = None,
                 on_stop: Callable[[], None] | None = None) -> None:
        self.commit, self.max_batch = commit, max_batch
        self.after_batch, self.on_stop = after_batch, on_stop
        self._queue: deque[_Entry[RequestT, ResultT]] = deque()
        self._wake = threading.Event()
        self._stopping = False
        # Started by the first request: a writer that is never used costs no thread.
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    async def submit(self, request: RequestT) -> ResultT:
        if self._stopping:
            raise RuntimeError(f"{self._thread.name} is stopped")
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._queue.append((request, future))
        if not self._wake.is_set():
            self._wake.set()
            if self._thread.ident is None:
                self._thread.start()
        return await future

    async def stop(self) -> None:
        """Commit what is queued, then stop the thread."""
        self._stopping = True
        self._wake.set()
        if self._thread.ident is None:  # never started: nothing queued, nothing opened
            if self.on_stop is not None:
                self.on_stop()
            return
        await asyncio.to_thread(self._thread.join)

    def _run(self) -> None:
        try:
            while True:
                self._wake.wait()
                self._wake.clear()  # before taking the queue: a later append wakes us again
                while self._queue:
                    self._commit_next()
                if self._stopping and not self._queue:
                    return
        finally:
            if self.on_stop is not None:
                self.on_stop()

    def _commit_next(self) -> None:
        queue = self._queue
        batch = [queue.popleft() for _ in range(min(self.max_batch, len(queue)))]
        results: Sequence[ResultT | BaseException]
        try:
            results = self.commit([request for request, _ in batch])
        except Exception as error:  # commit answers each request; this is a defect in it
            log.exception("event=batch_commit_failed thread=%s", self._thread.name)
            results = [error] * len(batch)
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[ResultT],
                                                            ResultT | BaseException]]] = {}
        for (_, future), result in zip(batch, results, strict=True):
            by_loop.setdefault(future.get_loop(), []).append((future, result))
        for loop, settled in by_loop.items():
            with contextlib.suppress(RuntimeError):  # that loop is closed: nobody waits
                loop.call_soon_threadsafe(_settle, settled)
        if self.after_batch is not None:
            try:
                self.after_batch()
            except Exception:  # housekeeping (a checkpoint); the next batch tries again
                log.exception("event=after_batch_failed thread=%s", self._thread.name)


def _settle(settled: list[tuple[asyncio.Future[ResultT], ResultT | BaseException]]) -> None:
    for future, result in settled:
        if future.done():  # the caller gave up (cancelled)
            continue
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
