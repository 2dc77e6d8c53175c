"""Standing orders' progress in the books: which are due, claiming one payment of an order
(exactly once, however many runners race for it), its outcome, the history, cancelling.

A claim moves the order on (`payments_made`, `next_payment_date`) and records the payment as
`Processing` in one transaction, conditional on the order still being where the claimer saw
it, so two runners (or a runner and a cancel) never both get the same payment.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.bank.books.model import StandingOrder, StandingOrderPayment
from chatbank.bank.books.standing_plan import Occurrence
from chatbank.bank.books.tables import (
    accounts,
    row_values,
    standing_order_payments,
    standing_orders,
)
from chatbank.bank.db import writer_engine
from chatbank.core.clock import as_utc
from chatbank.core.errors import Conflict, NotFound

ACTIVE = "Active"
INACTIVE = "Inactive"
PROCESSING = "Processing"
PAID = "Paid"
FAILED = "Failed"


def _order(row: Any) -> StandingOrder:
    values = row._asdict()
    if values["cancelled_at"] is not None:
        values["cancelled_at"] = as_utc(values["cancelled_at"])
    return StandingOrder(**values)


def _payment(row: Any) -> StandingOrderPayment:
    values = row._asdict()
    values["claimed_at"] = as_utc(values["claimed_at"])
    if values["recorded_at"] is not None:
        values["recorded_at"] = as_utc(values["recorded_at"])
    return StandingOrderPayment(**values)


async def _owner(conn: AsyncConnection, order_id: str) -> str | None:
    owner = (await conn.execute(select(accounts.c.customer_id).join(
        standing_orders, standing_orders.c.account_id == accounts.c.id).where(
        standing_orders.c.id == order_id))).scalar()
    return str(owner) if owner is not None else None


class StandingOrderBook:
    """Standing orders' schedule progress and payment history on the bank's database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.writer = writer_engine(engine)

    async def due(self, id_prefix: str, today: date, limit: int,
                  after: tuple[date, str] | None = None) -> list[StandingOrder]:
        """Active orders (ids starting `id_prefix`) whose next payment date has come, by date
        and id; `after` (the last one's date and id) gives the next page."""
        table = standing_orders.c
        query = select(standing_orders).where(
            table.status == ACTIVE, table.next_payment_date <= today,
            table.id.startswith(id_prefix, autoescape=True))
        if after is not None:
            query = query.where(or_(table.next_payment_date > after[0], and_(
                table.next_payment_date == after[0], table.id > after[1])))
        async with self.engine.connect() as conn:
            rows = await conn.execute(query.order_by(table.next_payment_date, table.id)
                                      .limit(limit))
            return [_order(row) for row in rows]

    async def owner(self, order_id: str) -> str | None:
        """The customer whose account the order pays from."""
        async with self.engine.connect() as conn:
            return await _owner(conn, order_id)

    async def get(self, order_id: str) -> StandingOrder | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(standing_orders).where(
                standing_orders.c.id == order_id))).first()
        return _order(row) if row is not None else None

    async def claim(self, order: StandingOrder, payment: Occurrence, then: Occurrence | None,
                    now: datetime) -> StandingOrderPayment | None:
        """Take `payment` of `order` and move the order on to `then` (inactive when None);
        None when another runner (or a cancel) got there first."""
        claimed = StandingOrderPayment(
            order.id, payment.sequence, payment.payment_date, payment.amount_minor,
            order.currency, PROCESSING, None, None, now, None)
        async with self.writer.begin() as conn:
            moved = await conn.execute(update(standing_orders).where(
                standing_orders.c.id == order.id, standing_orders.c.status == ACTIVE,
                standing_orders.c.payments_made == payment.sequence - 1).values(
                payments_made=payment.sequence,
                next_payment_date=then.payment_date if then else None,
                status=ACTIVE if then else INACTIVE))
            if moved.rowcount != 1:
                return None
            await conn.execute(insert(standing_order_payments).values(row_values(claimed)))
        return claimed

    async def record(self, claimed: StandingOrderPayment, transfer_ref: str | None,
                     reason: str | None, now: datetime) -> StandingOrderPayment:
        """The claimed payment's outcome: paid (its ledger transfer) or failed (why)."""
        status = PAID if transfer_ref is not None else FAILED
        async with self.writer.begin() as conn:
            await conn.execute(update(standing_order_payments).where(
                standing_order_payments.c.order_id == claimed.order_id,
                standing_order_payments.c.sequence == claimed.sequence,
                standing_order_payments.c.status == PROCESSING).values(
                status=status, transfer_ref=transfer_ref, reason=reason, recorded_at=now))
            if status == PAID:
                await conn.execute(update(standing_orders).where(
                    standing_orders.c.id == claimed.order_id).where(
                    (standing_orders.c.last_payment_date.is_(None))
                    | (standing_orders.c.last_payment_date <= claimed.payment_date)).values(
                    last_payment_date=claimed.payment_date,
                    last_amount_minor=claimed.amount_minor))
        return replace(claimed, status=status, transfer_ref=transfer_ref, reason=reason,
                       recorded_at=now)

    async def stale_claims(self, claimed_before: datetime) -> list[StandingOrderPayment]:
        """Payments claimed but never recorded (the runner stopped in between)."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(standing_order_payments).where(
                standing_order_payments.c.status == PROCESSING,
                standing_order_payments.c.claimed_at < claimed_before))
            return [_payment(row) for row in rows]

    async def history(self, order_ids: list[str]) -> list[StandingOrderPayment]:
        """Every claimed payment of these orders, oldest first."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(standing_order_payments).where(
                standing_order_payments.c.order_id.in_(order_ids)).order_by(
                standing_order_payments.c.order_id, standing_order_payments.c.sequence))
            return [_payment(row) for row in rows]

    async def of_customer(self, customer_id: str) -> list[StandingOrder]:
        """The customer's standing orders on all their accounts."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(select(standing_orders).join(
                accounts, accounts.c.id == standing_orders.c.account_id).where(
                accounts.c.customer_id == customer_id).order_by(standing_orders.c.id))
            return [_order(row) for row in rows]

    async def cancel(self, customer_id: str, order_id: str, now: datetime) -> StandingOrder:
        """The customer stops their order: no payment is claimed after this.

        Errors: standing_order_not_found (not theirs, or no such order),
        standing_order_not_active (already cancelled or finished)."""
        async with self.writer.begin() as conn:
            if await _owner(conn, order_id) != customer_id:
                raise NotFound("standing_order_not_found", "You have no such standing order.")
            moved = await conn.execute(update(standing_orders).where(
                standing_orders.c.id == order_id, standing_orders.c.status == ACTIVE).values(
                status=INACTIVE, next_payment_date=None, cancelled_at=now))
            if moved.rowcount != 1:
                raise Conflict("standing_order_not_active",
                               "This standing order was already cancelled or has finished.")
        cancelled = await self.get(order_id)
        assert cancelled is not None  # orders are never deleted here
        return cancelled
