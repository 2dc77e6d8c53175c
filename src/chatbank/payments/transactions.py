"""One database transaction of the payments context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.payments.adapters.sql_payments import SqlPayments
from chatbank.payments.model import Payment


class PaymentStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[SqlPayments]:
        async with self.engine.begin() as conn:
            yield SqlPayments(conn)

    async def insert_once(self, payment: Payment, creditor: dict[str, str]) -> bool:
        """Insert a new payment; False if one with its id exists already (a retry)."""
        try:
            async with self.tx() as tx:
                await tx.insert(payment, creditor)
        except IntegrityError:
            return False
        return True
