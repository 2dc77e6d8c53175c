"""Ends payments nobody can finish any more, so every card reaches a final state.

A request not paid within 7 days expires; a payment whose payer went to their bank and never came
back expires once the bank authorisation has lapsed (the callback would refuse it by then). The
platform's background task sweeps every `interval_s`; a due request also expires when it is read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from chatbank.core.errors import Conflict
from chatbank.payments.model import AUTHORISATION_TTL, Payment, PaymentStatus
from chatbank.payments.services import Payments
from chatbank.payments.transactions import PaymentStore

log = logging.getLogger("chatbank.payments")
SWEEP_INTERVAL_S = 60.0
REQUEST_EXPIRED = "The request expired"
AUTHORISATION_LAPSED = "The payment was not authorised at the bank in time"


class PaymentSweeper:
    """Moves lapsed requests and abandoned authorisations to `expired` and updates their cards."""

    def __init__(self, payments: Payments, store: PaymentStore,
                 interval_s: float = SWEEP_INTERVAL_S) -> None:
        self.payments, self.store, self.interval_s = payments, store, interval_s
        self._task: asyncio.Task[None] | None = None

    async def sweep(self) -> list[Payment]:
        """Expire everything due now; returns the payments this call expired."""
        now = self.payments.clock.now()
        async with self.store.tx() as tx:
            due = await tx.due_to_expire(now, now - AUTHORISATION_TTL)
        expired = []
        for payment in due:
            reason = (REQUEST_EXPIRED if payment.status is PaymentStatus.DRAFT
                      else AUTHORISATION_LAPSED)
            try:
                moved = await self.payments.move(payment, PaymentStatus.EXPIRED, reason)
            except Conflict:
                continue  # paid, cancelled or expired by someone else meanwhile
            await self.payments.record(payment.payer_id, "payment_expired", moved, True, None)
            log.info("event=payment_expired payment=%s was=%s", payment.id,
                     payment.status.value)
            expired.append(moved)
        return expired

    def start(self) -> None:
        """Sweep now and then every `interval_s` until `close`."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:  # a failed sweep must not end the loop; the next one retries
                log.exception("event=payment_sweep_failed")
            await asyncio.sleep(self.interval_s)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
