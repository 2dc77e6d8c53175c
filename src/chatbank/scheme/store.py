"""SQL adapter of the scheme's payments (SQLite or PostgreSQL). Every state change is a
conditional UPDATE on the expected state, so a stale worker can never move a payment twice."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.core.clock import as_utc
from chatbank.scheme.migrate import upgrade_scheme_database
from chatbank.scheme.model import FINAL_STATES, PaymentState, SchemePayment
from chatbank.scheme.tables import scheme_payments

DATETIME_FIELDS = ("hold_expires_at", "deliver_by", "next_attempt_at", "created_at",
                   "updated_at")


def row_to_payment(row: Any) -> SchemePayment:
    values = dict(row)
    for name in DATETIME_FIELDS:
        values[name] = as_utc(values[name])
    values["state"] = PaymentState(values["state"])
    return SchemePayment(**values)


class SqlPayments:
    """The scheme's payments table."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def create_tables(self) -> None:
        """Bring the scheme's tables to the newest schema with its Alembic migrations (safe to
        repeat; a database created before the migrations existed is adopted as it is)."""
        url = self.engine.url.render_as_string(hide_password=False)
        await asyncio.to_thread(upgrade_scheme_database, url)

    async def insert(self, payment: SchemePayment) -> bool:
        """Store a new payment; False when its id (or bank transfer id) already exists."""
        values = asdict(payment)
        values["state"] = payment.state.value
        try:
            async with self.engine.begin() as conn:
                await conn.execute(insert(scheme_payments).values(**values))
        except IntegrityError:
            return False
        return True

    async def get(self, payment_id: str) -> SchemePayment | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(scheme_payments).where(
                scheme_payments.c.payment_id == payment_id))).mappings().first()
        return row_to_payment(row) if row is not None else None

    async def due(self, now: datetime, limit: int) -> list[SchemePayment]:
        """Unfinished payments whose next attempt is due, oldest first."""
        open_states = [s.value for s in PaymentState if s not in FINAL_STATES]
        query = (select(scheme_payments)
                 .where(scheme_payments.c.state.in_(open_states),
                        scheme_payments.c.next_attempt_at <= now)
                 .order_by(scheme_payments.c.next_attempt_at).limit(limit))
        async with self.engine.connect() as conn:
            return [row_to_payment(r) for r in (await conn.execute(query)).mappings()]

    async def move(self, payment_id: str, expected: PaymentState, to: PaymentState,
                   now: datetime, reject_code: str | None = None) -> bool:
        """`expected` → `to`, due at once; False when the payment is no longer `expected`."""
        values: dict[str, Any] = {"state": to.value, "attempts": 0, "next_attempt_at": now,
                                  "last_error": None, "updated_at": now}
        if reject_code is not None:
            values["reject_code"] = reject_code[:64]
        async with self.engine.begin() as conn:
            moved = await conn.execute(update(scheme_payments).where(
                scheme_payments.c.payment_id == payment_id,
                scheme_payments.c.state == expected.value).values(**values))
        return bool(moved.rowcount == 1)

    async def postpone(self, payment: SchemePayment, next_attempt_at: datetime, error: str,
                       now: datetime) -> None:
        """Record a failed attempt and when to try again."""
        async with self.engine.begin() as conn:
            await conn.execute(update(scheme_payments).where(
                scheme_payments.c.payment_id == payment.payment_id,
                scheme_payments.c.state == payment.state.value).values(
                attempts=payment.attempts + 1, next_attempt_at=next_attempt_at,
                last_error=error[:200], updated_at=now))
