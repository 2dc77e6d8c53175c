"""SQL repository for accounts and cards."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.bank.books.model import Account, AccountSubtype, Card, CardStatus
from chatbank.bank.books.tables import accounts, cards, customers

_ACCOUNT_COLUMNS = (*accounts.c, customers.c.display_name.label("holder_name"))
# Statements list the everyday account first, as banking apps do.
_SUBTYPE_ORDER = case({"CurrentAccount": 0, "Savings": 1, "CreditCard": 2},
                      value=accounts.c.account_subtype, else_=3)


def row_to_account(row: Any) -> Account:
    return Account(
        id=row.id, customer_id=row.customer_id, account_type=row.account_type,
        subtype=AccountSubtype(row.account_subtype), currency=row.currency,
        nickname=row.nickname, sort_code=row.sort_code, account_number=row.account_number,
        opened_on=row.opened_on, status=row.status, ledger_account_id=row.ledger_account_id,
        holder_name=row.holder_name,
    )


def row_to_card(row: Any) -> Card:
    return Card(
        id=row.id, account_id=row.account_id, scheme=row.scheme, masked_pan=row.masked_pan,
        name_on_card=row.name_on_card, expiry_month=row.expiry_month,
        expiry_year=row.expiry_year, status=CardStatus(row.status),
    )


class SqlAccounts:
    """Accounts and cards, on one open connection/transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    def _accounts(self) -> Any:
        return select(*_ACCOUNT_COLUMNS).join(customers, customers.c.id == accounts.c.customer_id)

    async def insert_accounts(self, new: list[Account]) -> None:
        await self.conn.execute(insert(accounts), [{
            "id": a.id, "customer_id": a.customer_id, "account_type": a.account_type,
            "account_subtype": a.subtype.value, "currency": a.currency, "nickname": a.nickname,
            "sort_code": a.sort_code, "account_number": a.account_number,
            "opened_on": a.opened_on, "status": a.status,
            "ledger_account_id": a.ledger_account_id,
        } for a in new])

    async def accounts_of(self, customer_id: str) -> list[Account]:
        rows = await self.conn.execute(self._accounts().where(
            accounts.c.customer_id == customer_id).order_by(
                accounts.c.opened_on, _SUBTYPE_ORDER, accounts.c.id))
        return [row_to_account(r) for r in rows]

    async def account_of(self, customer_id: str, account_id: str) -> Account | None:
        row = (await self.conn.execute(self._accounts().where(
            accounts.c.customer_id == customer_id, accounts.c.id == account_id))).first()
        return row_to_account(row) if row else None

    async def account_by_identification(
        self, sort_code: str, account_number: str
    ) -> Account | None:
        row = (await self.conn.execute(self._accounts().where(
            accounts.c.sort_code == sort_code,
            accounts.c.account_number == account_number))).first()
        return row_to_account(row) if row else None

    async def account_by_ledger_id(self, ledger_account_id: str) -> Account | None:
        row = (await self.conn.execute(self._accounts().where(
            accounts.c.ledger_account_id == ledger_account_id))).first()
        return row_to_account(row) if row else None

    async def insert_cards(self, new: list[Card], now: datetime) -> None:
        await self.conn.execute(insert(cards), [{
            "id": c.id, "account_id": c.account_id, "scheme": c.scheme,
            "masked_pan": c.masked_pan, "name_on_card": c.name_on_card,
            "expiry_month": c.expiry_month, "expiry_year": c.expiry_year,
            "status": c.status.value, "updated_at": now,
        } for c in new])

    async def cards_of(self, customer_id: str) -> list[Card]:
        rows = await self.conn.execute(
            select(cards).join(accounts, accounts.c.id == cards.c.account_id)
            .where(accounts.c.customer_id == customer_id).order_by(cards.c.id))
        return [row_to_card(r) for r in rows]

    async def card_of(self, customer_id: str, card_id: str) -> Card | None:
        row = (await self.conn.execute(
            select(cards).join(accounts, accounts.c.id == cards.c.account_id)
            .where(accounts.c.customer_id == customer_id, cards.c.id == card_id))).first()
        return row_to_card(row) if row else None

    async def set_card_status(self, card_id: str, status: CardStatus, now: datetime) -> None:
        await self.conn.execute(update(cards).where(cards.c.id == card_id)
                                .values(status=status.value, updated_at=now))
