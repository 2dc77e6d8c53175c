"""SQL repository for what customers see of ledger transfers: details and statements."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.bank.books.model import (
    CreditDebit,
    StatementSlice,
    Transaction,
    TransactionPage,
    TransactionStatus,
)
from chatbank.bank.books.tables import row_values, transaction_details
from chatbank.bank.ledger import PendingState, TransferKind
from chatbank.bank.ledger.tables import ledger_transfers as t
from chatbank.core.clock import as_utc
from chatbank.core.errors import InvalidInput

d = transaction_details


@dataclass(frozen=True, slots=True)
class TransferDetails:
    """The customer-facing description of one ledger transfer."""

    transfer_id: str
    booking_at: datetime
    value_at: datetime
    description: str
    bank_transaction_code: str
    reference: str | None = None
    merchant_name: str | None = None
    merchant_category_code: str | None = None
    debtor_name: str | None = None
    creditor_name: str | None = None
    creditor_sort_code: str | None = None
    creditor_account_number: str | None = None
    card_id: str | None = None


def encode_cursor(booking_at: datetime, seq: int) -> str:
    raw = f"{as_utc(booking_at).isoformat()}|{seq}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """Inverse of `encode_cursor`; a tampered cursor is `invalid_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, seq = raw.split("|")
        return datetime.fromisoformat(moment), int(seq)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("invalid_cursor", "The page cursor is not one we issued.") from None


class SqlStatements:
    """Transfer details and per-account statements, on one open connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert_details(self, details: list[TransferDetails]) -> None:
        if details:
            await self.conn.execute(insert(d), [row_values(item) for item in details])

    async def details_of(self, transfer_id: str) -> TransferDetails | None:
        row = (await self.conn.execute(select(d).where(d.c.transfer_id == transfer_id))).first()
        return TransferDetails(**row._asdict()) if row else None

    async def statement(
        self, account_id: str, ledger_account_id: str, window: tuple[datetime, datetime],
        limit: int, cursor: str | None,
    ) -> TransactionPage:
        """Booked and still-pending lines, newest first, within [from, to)."""
        query = _lines(ledger_account_id, window, ALL_SIDES).limit(limit + 1)
        if cursor is not None:
            booking_at, seq = decode_cursor(cursor)
            query = query.where(or_(d.c.booking_at < booking_at,
                                    and_(d.c.booking_at == booking_at, t.c.seq < seq)))
        rows = list(await self.conn.execute(query))
        items = [row_to_transaction(r, account_id, ledger_account_id) for r in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = encode_cursor(last.booking_at, last.seq)
        return TransactionPage(items, next_cursor)

    async def statement_slice(
        self, account_id: str, ledger_account_id: str, window: tuple[datetime, datetime],
        sides: frozenset[CreditDebit], limit: int, offset: int,
    ) -> StatementSlice:
        """One numbered page of the lines on `sides` (newest first) and how many there are.

        One statement: the database sorts just (booking time, seq) of the window's lines,
        counts them (`count(*) over ()`) and cuts the page; only the page's rows are joined
        to their details and read out. A page past the end falls back to a plain count."""
        if not sides:
            return StatementSlice([], 0)
        rows = list(await self.conn.execute(
            slice_query(ledger_account_id, window, sides, limit, offset)))
        if rows:
            return StatementSlice(
                [row_to_transaction(r, account_id, ledger_account_id) for r in rows],
                rows[0].total)
        if offset == 0:
            return StatementSlice([], 0)
        total = (await self.conn.execute(
            select(func.count()).select_from(t.join(d, d.c.transfer_id == t.c.id))
            .where(_touches(ledger_account_id, sides), _visible(), *_booked_in(window))
        )).scalar_one()
        return StatementSlice([], total)


ALL_SIDES = frozenset(CreditDebit)


def _touches(ledger_account_id: str, sides: frozenset[CreditDebit]) -> ColumnElement[bool]:
    """Transfers where the account is on one of `sides` (Debit: it paid; Credit: it got)."""
    column = {CreditDebit.DEBIT: t.c.debit_account_id, CreditDebit.CREDIT: t.c.credit_account_id}
    return or_(*(column[side] == ledger_account_id for side in sorted(sides)))


def _visible() -> ColumnElement[bool]:
    """Posted lines and pending holds not yet posted or voided."""
    return or_(t.c.kind.in_((TransferKind.POSTED.value, TransferKind.POST_PENDING.value)),
               and_(t.c.kind == TransferKind.PENDING.value,
                    t.c.state == PendingState.PENDING.value))


def _booked_in(window: tuple[datetime, datetime]) -> tuple[ColumnElement[bool], ...]:
    return d.c.booking_at >= window[0], d.c.booking_at < window[1]


def _lines(ledger_account_id: str, window: tuple[datetime, datetime],
           sides: frozenset[CreditDebit]) -> Select[Any]:
    """Statement rows (transfer + details) on `sides` in [from, to), newest first."""
    return (select(t, d).join(d, d.c.transfer_id == t.c.id)
            .where(_touches(ledger_account_id, sides), _visible(), *_booked_in(window))
            .order_by(d.c.booking_at.desc(), t.c.seq.desc()))


def slice_query(ledger_account_id: str, window: tuple[datetime, datetime],
                sides: frozenset[CreditDebit], limit: int, offset: int) -> Select[Any]:
    """The page's rows (transfer + details + the window's line count), newest first: only
    (booking time, seq) of the window's lines are sorted; the page alone is joined."""
    keys = (select(t.c.seq, func.count().over().label("total"))
            .join(d, d.c.transfer_id == t.c.id)
            .where(_touches(ledger_account_id, sides), _visible(), *_booked_in(window))
            .order_by(d.c.booking_at.desc(), t.c.seq.desc())
            .limit(limit).offset(offset).subquery())
    return (select(t, d, keys.c.total).join(keys, keys.c.seq == t.c.seq)
            .join(d, d.c.transfer_id == t.c.id)
            .order_by(d.c.booking_at.desc(), t.c.seq.desc()))


def row_to_transaction(row: Any, account_id: str, ledger_account_id: str) -> Transaction:
    debit = row.debit_account_id == ledger_account_id
    pending = row.kind == TransferKind.PENDING.value
    balance_after = row.debit_balance_after_minor if debit else row.credit_balance_after_minor
    return Transaction(
        transaction_id=row.id, account_id=account_id,
        credit_debit=CreditDebit.DEBIT if debit else CreditDebit.CREDIT,
        status=TransactionStatus.PENDING if pending else TransactionStatus.BOOKED,
        amount_minor=row.amount_minor, currency=row.currency,
        booking_at=as_utc(row.booking_at), value_at=as_utc(row.value_at),
        description=row.description, reference=row.reference,
        merchant_name=row.merchant_name, merchant_category_code=row.merchant_category_code,
        bank_transaction_code=row.bank_transaction_code,
        counterparty_name=row.creditor_name if debit else row.debtor_name,
        balance_after_minor=None if pending else balance_after,
    )
