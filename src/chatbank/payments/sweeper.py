"""Ends payments nobody can finish any more, so every card reaches a final state.

A request not paid within 7 days expires; a payment whose payer went to their bank and never came
back expires once the bank authorisation has lapsed (the callback would refuse it by then). The
platform's background task sweeps every `interval_s`; a due request also expires when it is read.

Each sweep also repairs cards: a state change marks its card due in the same statement
(`card_due`), and `Payments.publish` clears it once the card (and a completed payment's receipt)
show it. A platform killed in between leaves it due; the first sweep after start-up brings every
such card up to date and posts the missing receipt (once: its client id is the payment's).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from chatbank.core.errors import ChatbankError, Conflict, NotFound
from chatbank.payments.cards import card_payload
from chatbank.payments.model import AUTHORISATION_TTL, Payment, PaymentKind, PaymentStatus
from chatbank.payments.services import Payments
from chatbank.payments.transactions import PaymentStore

log = logging.getLogger("chatbank.payments")
SWEEP_INTERVAL_S = 60.0
REQUEST_EXPIRED = "The request expired"
AUTHORISATION_LAPSED = "The payment was not authorised at the bank in time"
# Cards changed more recently may still be on their way (the live flow publishes them itself).
CARD_SETTLE = timedelta(seconds=30)


class PaymentSweeper:
    """Moves lapsed requests and abandoned authorisations to `expired` and updates their cards."""

    def __init__(self, payments: Payments, store: PaymentStore,
                 interval_s: float = SWEEP_INTERVAL_S) -> None:
        self.payments, self.store, self.interval_s = payments, store, interval_s
        self._task: asyncio.Task[None] | None = None

    async def sweep(self, card_settle: timedelta = CARD_SETTLE) -> list[Payment]:
        """Expire everything due now and repair cards left behind for longer than
        `card_settle`; returns the payments this call expired."""
        now = self.payments.clock.now()
        expired = await self._expire(now)
        await self.repair_cards(now - card_settle)
        return expired

    async def _expire(self, now: datetime) -> list[Payment]:
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

    async def repair_cards(self, changed_before: datetime) -> int:
        """Show every state changed before `changed_before` that its card does not show yet
        (posting a card that was never posted, and a completed payment's receipt); returns
        how many payments it repaired."""
        async with self.store.tx() as tx:
            due = await tx.cards_due(changed_before)
        repaired = 0
        for payment in due:
            try:
                if payment.message_id is None:
                    await self._post_card(payment)
                await self.payments.publish(payment.id)
            except NotFound:
                await self._forget_card(payment.id)  # its card or the payment is gone
            except ChatbankError as failure:
                log.warning("event=payment_card_repair_failed payment=%s code=%s", payment.id,
                            failure.code)
                continue
            log.info("event=payment_card_repaired payment=%s status=%s", payment.id,
                     payment.status.value)
            repaired += 1
        return repaired

    async def _post_card(self, payment: Payment) -> None:
        """The card of a payment created just before a crash (same client id as `_new`)."""
        sender = payment.payee_id if payment.kind is PaymentKind.REQUEST else payment.payer_id
        names = await self.payments.chat.display_names([payment.payer_id, payment.payee_id])
        message_id = await self.payments.chat.post_card(
            sender, payment.conversation_id, f"payment:{payment.id}",
            card_payload(payment, names))
        async with self.store.tx() as tx:
            await tx.set(payment.id, message_id=message_id)

    async def _forget_card(self, payment_id: str) -> None:
        async with self.store.tx() as tx:
            if (token := await tx.card_due(payment_id)) is not None:
                await tx.card_shown(payment_id, token)

    def start(self) -> None:
        """Sweep now and then every `interval_s` until `close`."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        settle = timedelta(0)  # at start-up no card of this process is on its way yet
        while True:
            try:
                await self.sweep(settle)
            except Exception:  # a failed sweep must not end the loop; the next one retries
                log.exception("event=payment_sweep_failed")
            settle = CARD_SETTLE
            await asyncio.sleep(self.interval_s)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
