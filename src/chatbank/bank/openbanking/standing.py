"""The bank pays the standing orders third parties set up, on the dates their Frequency gives.

The first payment is the standing order's scheduled payment (`sof_…`, paid at
FirstPaymentDateTime by the scheduled-payment runner); this runner records its outcome, then
claims every later payment on its date (from 00:00 UTC), pays it and records paid or failed.
A failed payment (insufficient funds, say) is not retried: the order moves on to its next date,
as a bank's standing orders do. The ledger transfer id comes from the order id and the payment
date, so a payment whose claim outlived a stopped runner is paid again only as a replay.
"""

from __future__ import annotations

from datetime import timedelta
from enum import Enum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.books import BankBooks, DomesticTransferRequest, StandingOrder
from chatbank.bank.books.model import StandingOrderPayment
from chatbank.bank.books.standing_orders import StandingOrderBook
from chatbank.bank.books.standing_plan import following, occurrence
from chatbank.bank.openbanking.tables import scheduled_payments
from chatbank.core.clock import Clock
from chatbank.core.errors import ChatbankError

ORDER_PREFIX = "dso_"
FIRST_PAYMENT_PREFIX = "sof_"
CLAIM_LEASE = timedelta(minutes=5)  # a claim older than this lost its runner
BATCH = 100
MAX_ROUNDS = 400  # catching up: one payment per order per round


class Progress(Enum):
    """What one look at a due order did."""

    PAID = "paid"  # claimed and paid (or failed to pay) a later payment
    RECORDED = "recorded"  # recorded the first payment's outcome
    TAKEN = "taken"  # another runner claimed it first
    WAITING = "waiting"  # the first payment has not been executed yet


def suffix_of(order_id: str) -> str:
    return order_id[len(ORDER_PREFIX):]


def ledger_idempotency_id(order_id: str, payment: StandingOrderPayment) -> str:
    return f"ob-standing:{order_id}:{payment.payment_date.isoformat()}"


class StandingOrderRunner:
    """Claims, pays and records the due payments of third-party standing orders."""

    def __init__(self, engine: AsyncEngine, books: BankBooks, clock: Clock) -> None:
        self.engine = engine
        self.books = books
        self.clock = clock
        self.book = StandingOrderBook(engine)

    async def run_due(self) -> int:
        """Pay every payment whose date has come; returns how many transfers were attempted."""
        attempted = 0
        for stale in await self.book.stale_claims(self.clock.now() - CLAIM_LEASE):
            await self._pay(stale)
            attempted += 1
        for _round in range(MAX_ROUNDS):
            steps = await self._one_round()
            attempted += steps.count(Progress.PAID)
            if all(step is Progress.WAITING for step in steps):
                break
        return attempted

    async def _one_round(self) -> list[Progress]:
        """One look at every due order, a page at a time (orders waiting for their first
        payment never hide the ones behind them)."""
        steps: list[Progress] = []
        after = None
        while True:
            orders = await self.book.due(ORDER_PREFIX, self.clock.now().date(), BATCH, after)
            steps += [await self._next_payment(order) for order in orders]
            if len(orders) < BATCH:
                return steps
            last = orders[-1]
            assert last.next_payment_date is not None  # due orders have one
            after = (last.next_payment_date, last.id)

    async def _next_payment(self, order: StandingOrder) -> Progress:
        """Claim the order's next payment and pay it (or record the first payment's outcome)."""
        assert order.next_payment_date is not None  # due orders have one
        payment = occurrence(order, order.payments_made + 1, order.next_payment_date)
        first = None
        if payment.sequence == 1:
            first = await self._first_payment_outcome(order.id)
            if first is None:
                return Progress.WAITING
        claimed = await self.book.claim(order, payment, following(order, payment),
                                        self.clock.now())
        if claimed is None:
            return Progress.TAKEN
        if first is not None:
            await self.book.record(claimed, *first, self.clock.now())
            return Progress.RECORDED
        await self._pay(claimed)
        return Progress.PAID

    async def _first_payment_outcome(self, order_id: str) -> tuple[str | None, str | None] | None:
        """(transfer, failure reason) of the order's first payment once it was executed."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(
                scheduled_payments.c.executed_at, scheduled_payments.c.transfer_ref,
                scheduled_payments.c.reject_reason).where(
                scheduled_payments.c.payment_id == FIRST_PAYMENT_PREFIX + suffix_of(order_id))
            )).first()
        if row is None or row.executed_at is None:
            return None
        return row.transfer_ref, row.reject_reason

    async def _pay(self, claimed: StandingOrderPayment) -> None:
        order = await self.book.get(claimed.order_id)
        customer_id = await self.book.owner(claimed.order_id)
        assert order is not None and customer_id is not None  # orders are never deleted
        request = DomesticTransferRequest(
            idempotency_id=ledger_idempotency_id(order.id, claimed),
            from_account_id=order.account_id, creditor_sort_code=order.creditor_sort_code,
            creditor_account_number=order.creditor_account_number,
            creditor_name=order.creditor_name, amount_minor=claimed.amount_minor,
            currency=claimed.currency, reference=order.reference)
        transfer_ref: str | None = None
        reason: str | None = None
        try:
            outcome = await self.books.domestic_transfer(customer_id, request)
            transfer_ref = outcome.transfer_id
        except ChatbankError as error:
            reason = f"{error.code}: {error.message}"[:200]
        await self.book.record(claimed, transfer_ref, reason, self.clock.now())
