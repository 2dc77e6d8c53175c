"""One database transaction of the payments context."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.payments.adapters.sql_payments import SqlPayments


class PaymentStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def tx(self) -> AsyncIterator[SqlPayments]:
        async with self.engine.begin() as conn:
            yield SqlPayments(conn)
