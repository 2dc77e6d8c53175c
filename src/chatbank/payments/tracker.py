"""Follows pending payments at the bank with backoff until they are final (and after restarts)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from chatbank.core.errors import ChatbankError
from chatbank.payments.execution import PaymentExecution
from chatbank.payments.model import PaymentStatus
from chatbank.payments.transactions import PaymentStore

log = logging.getLogger("chatbank.payments")
BACKOFF_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)
MAX_POLLS = 200  # about three hours at the longest delay; a restart resumes it


class PaymentTracker:
    """One background task per pending payment; `close` cancels them all."""

    def __init__(self, execution: PaymentExecution, store: PaymentStore,
                 backoff_s: tuple[float, ...] = BACKOFF_S) -> None:
        self.execution, self.store, self.backoff_s = execution, store, backoff_s
        self._tasks: dict[str, asyncio.Task[None]] = {}
        execution.on_pending = self.watch

    def watch(self, payment_id: str) -> None:
        """Start following `payment_id` unless it is followed already."""
        if payment_id in self._tasks:
            return
        task = asyncio.get_running_loop().create_task(self._follow(payment_id))
        self._tasks[payment_id] = task
        task.add_done_callback(lambda _t: self._tasks.pop(payment_id, None))

    async def resume(self) -> int:
        """Follow every payment left pending (e.g. by a restart); returns how many."""
        async with self.store.tx() as tx:
            pending = await tx.with_status(PaymentStatus.PENDING)
        for payment in pending:
            self.watch(payment.id)
        return len(pending)

    async def _follow(self, payment_id: str) -> None:
        for poll in range(MAX_POLLS):
            await asyncio.sleep(self.backoff_s[min(poll, len(self.backoff_s) - 1)])
            try:
                payment = await self.execution.refresh(payment_id)
            except ChatbankError as failure:
                log.warning("event=payment_poll_failed payment=%s code=%s", payment_id,
                            failure.code)
                continue
            if payment.status.final:
                return

    async def close(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
