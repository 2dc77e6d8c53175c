"""SQL repository for an account's arrangements: payees, standing orders, direct debits and
scheduled payments. Each kind is inserted in bulk and listed per customer (optionally per
account)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.bank.books.model import (
    Beneficiary,
    DirectDebit,
    ScheduledPayment,
    StandingOrder,
)
from chatbank.bank.books.tables import (
    accounts,
    beneficiaries,
    direct_debits,
    row_values,
    scheduled_payments,
    standing_orders,
)

Arrangement = TypeVar("Arrangement", Beneficiary, StandingOrder, DirectDebit, ScheduledPayment)

TABLE_OF: dict[type[Any], Table] = {
    Beneficiary: beneficiaries,
    StandingOrder: standing_orders,
    DirectDebit: direct_debits,
    ScheduledPayment: scheduled_payments,
}


class SqlArrangements:
    """Payees, standing orders, direct debits and scheduled payments on one connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert_all(self, items: Sequence[Beneficiary | StandingOrder | DirectDebit
                                               | ScheduledPayment]) -> None:
        """Insert arrangements of any kinds (grouped into one executemany per kind)."""
        by_table: dict[str, list[dict[str, Any]]] = {}
        for item in items:
            by_table.setdefault(TABLE_OF[type(item)].name, []).append(row_values(item))
        for table in TABLE_OF.values():
            rows = by_table.get(table.name)
            if rows:
                await self.conn.execute(insert(table), rows)

    async def list_of(
        self, kind: type[Arrangement], customer_id: str, account_id: str | None = None
    ) -> list[Arrangement]:
        """Every arrangement of `kind` on the customer's accounts (or on one of them)."""
        table = TABLE_OF[kind]
        query = (select(table).join(accounts, accounts.c.id == table.c.account_id)
                 .where(accounts.c.customer_id == customer_id).order_by(table.c.id))
        if account_id is not None:
            query = query.where(table.c.account_id == account_id)
        rows = await self.conn.execute(query)
        return [kind(**row._asdict()) for row in rows]
