"""The ledger on SQL (SQLite or PostgreSQL), working inside one open transaction.

A batch loads every account and transfer it touches with a handful of `IN` queries (locking the
rows on PostgreSQL), applies the pure rules in memory, then writes inserts and updates with
`executemany`. The caller owns the transaction, so books can add their rows atomically.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.bank.ledger.batch import LedgerBatch
from chatbank.bank.ledger.model import (
    AccountKind,
    LedgerAccount,
    PendingState,
    Transfer,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from chatbank.bank.ledger.tables import ledger_accounts, ledger_transfers
from chatbank.core.clock import as_utc

# Columns in `LedgerAccount` field order.
ACCOUNT_FIELDS = (
    ledger_accounts.c.id, ledger_accounts.c.currency, ledger_accounts.c.kind,
    ledger_accounts.c.overdraft_limit_minor, ledger_accounts.c.debits_posted,
    ledger_accounts.c.credits_posted, ledger_accounts.c.debits_pending,
    ledger_accounts.c.credits_pending,
)
CHUNK = 500  # ids per IN (...) query, well under SQLite's bound-parameter limit


def row_to_transfer(row: Any) -> Transfer:
    return Transfer(
        id=row.id, debit_account_id=row.debit_account_id,
        credit_account_id=row.credit_account_id, amount_minor=row.amount_minor,
        currency=row.currency, kind=TransferKind(row.kind), pending_id=row.pending_id,
        timeout_s=row.timeout_s, code=row.code, created_at=as_utc(row.created_at),
        expires_at=as_utc(row.expires_at) if row.expires_at is not None else None,
        state=PendingState(row.state) if row.state is not None else None,
        debit_balance_after_minor=row.debit_balance_after_minor,
        credit_balance_after_minor=row.credit_balance_after_minor,
    )


def _chunks(ids: Iterable[str]) -> list[list[str]]:
    unique = sorted(set(ids))
    return [unique[i:i + CHUNK] for i in range(0, len(unique), CHUNK)]


# Built once: an expanding IN parameter keeps one cached compiled form per statement.
_ACCOUNTS = select(*ACCOUNT_FIELDS).where(
    ledger_accounts.c.id.in_(bindparam("ids", expanding=True)))
_TRANSFERS = select(ledger_transfers).where(
    ledger_transfers.c.id.in_(bindparam("ids", expanding=True)))
_LOCKED_ACCOUNTS = _ACCOUNTS.order_by(ledger_accounts.c.id).with_for_update()
_LOCKED_TRANSFERS = _TRANSFERS.order_by(ledger_transfers.c.id).with_for_update()


def accounts_query(lock_rows: bool) -> Select[Any]:
    """Accounts whose id is in the `ids` parameter (rows locked on PostgreSQL)."""
    return _LOCKED_ACCOUNTS if lock_rows else _ACCOUNTS


def transfers_query(lock_rows: bool) -> Select[Any]:
    """Transfers whose id is in the `ids` parameter (rows locked on PostgreSQL)."""
    return _LOCKED_TRANSFERS if lock_rows else _TRANSFERS


def touched_transfer_ids(requests: Sequence[TransferRequest]) -> list[str]:
    """The transfers a batch must see: its own ids (for idempotency) and the pending ones."""
    return [r.id for r in requests] + [r.pending_id for r in requests if r.pending_id]


def touched_account_ids(requests: Sequence[TransferRequest],
                        transfers: dict[str, Transfer]) -> set[str]:
    """Every account the requests, or the transfers they refer to, debit or credit."""
    account_ids = {r.debit_account_id for r in requests}
    account_ids.update(r.credit_account_id for r in requests)
    for transfer in transfers.values():
        account_ids.update((transfer.debit_account_id, transfer.credit_account_id))
    account_ids.discard("")
    return account_ids


class SqlLedger:
    """Ledger accounts and transfers on one open connection (the caller's transaction)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self._lock_rows = conn.dialect.name == "postgresql"
        self._sql = DriverStatements(conn.dialect.paramstyle)
        self._moment = sqlite_moment if conn.dialect.name == "sqlite" else native_moment

    async def create_accounts(self, accounts: Sequence[LedgerAccount], now: datetime) -> None:
        """Insert new ledger accounts (balances start at zero)."""
        await self.conn.execute(insert(ledger_accounts), [{
            "id": a.id, "currency": a.currency, "kind": a.kind.value,
            "overdraft_limit_minor": a.overdraft_limit_minor, "debits_posted": 0,
            "credits_posted": 0, "debits_pending": 0, "credits_pending": 0, "created_at": now,
        } for a in accounts])

    async def set_overdraft_limit(self, account_id: str, limit_minor: int) -> None:
        await self.conn.execute(update(ledger_accounts).where(ledger_accounts.c.id == account_id)
                                .values(overdraft_limit_minor=limit_minor))

    async def lookup_accounts(self, ids: Iterable[str]) -> dict[str, LedgerAccount]:
        found: dict[str, LedgerAccount] = {}
        for chunk in _chunks(ids):
            for id_, currency, kind, *totals in await self.conn.execute(
                    accounts_query(self._lock_rows), {"ids": chunk}):
                # Positional construction: this runs for every account a batch touches.
                found[id_] = LedgerAccount(id_, currency, AccountKind(kind), *totals)
        return found

    async def lookup_transfers(self, ids: Iterable[str]) -> dict[str, Transfer]:
        found: dict[str, Transfer] = {}
        for chunk in _chunks(ids):
            for row in await self.conn.execute(transfers_query(self._lock_rows),
                                                {"ids": chunk}):
                found[row.id] = row_to_transfer(row)
        return found

    async def create_transfers(
        self, requests: Sequence[TransferRequest], now: datetime
    ) -> list[TransferResult]:
        """Apply `requests` in order; one result per request, in the same order."""
        transfers = await self.lookup_transfers(touched_transfer_ids(requests))
        batch = LedgerBatch(
            await self.lookup_accounts(touched_account_ids(requests, transfers)), transfers, now)
        results = [batch.create(request) for request in requests]
        await self._write(batch)
        return results

    async def void_expired(self, now: datetime, keep_codes: frozenset[int] = frozenset(),
                           limit: int = 1000) -> list[str]:
        """Release pending transfers whose timeout has passed, except those with a code in
        `keep_codes` (their owner releases them); return their ids."""
        query = (select(ledger_transfers.c.id)
                 .where(ledger_transfers.c.state == PendingState.PENDING.value,
                        ledger_transfers.c.expires_at <= now,
                        ledger_transfers.c.code.not_in(keep_codes))
                 .order_by(ledger_transfers.c.expires_at).limit(limit))
        expired_ids = list((await self.conn.scalars(query)).all())
        if not expired_ids:
            return []
        transfers = await self.lookup_transfers(expired_ids)
        account_ids = {t.debit_account_id for t in transfers.values()} | {
            t.credit_account_id for t in transfers.values()}
        batch = LedgerBatch(await self.lookup_accounts(account_ids), transfers, now)
        still_pending = [i for i in expired_ids if transfers[i].state == PendingState.PENDING]
        for pending_id in still_pending:
            batch.expire(pending_id)
        await self._write(batch)
        return still_pending

    async def _write(self, batch: LedgerBatch) -> None:
        for sql, rows in self._sql.writes(batch, self._moment):
            await self.conn.exec_driver_sql(sql, rows)

    async def sum_of_balances_by_currency(self) -> dict[str, int]:
        """Per currency, the sum of every account's booked balance (always 0 when consistent)."""
        balance = func.sum(ledger_accounts.c.credits_posted - ledger_accounts.c.debits_posted)
        rows = await self.conn.execute(
            select(ledger_accounts.c.currency, balance).group_by(ledger_accounts.c.currency))
        return {currency: int(total or 0) for currency, total in rows}

    async def journal_totals(self) -> dict[str, tuple[int, int, int, int]]:
        """Per account, (debits_posted, credits_posted, debits_pending, credits_pending)
        recomputed from the journal alone, to check the running totals against."""
        totals: dict[str, list[int]] = {}
        rows = await self.conn.execute(select(
            ledger_transfers.c.debit_account_id, ledger_transfers.c.credit_account_id,
            ledger_transfers.c.amount_minor, ledger_transfers.c.kind, ledger_transfers.c.state))
        for debit_id, credit_id, amount, kind, state in rows:
            posted = kind in (TransferKind.POSTED.value, TransferKind.POST_PENDING.value)
            held = kind == TransferKind.PENDING.value and state == PendingState.PENDING.value
            if posted or held:
                offset = 0 if posted else 2
                totals.setdefault(debit_id, [0, 0, 0, 0])[offset] += amount
                totals.setdefault(credit_id, [0, 0, 0, 0])[offset + 1] += amount
        return {k: (v[0], v[1], v[2], v[3]) for k, v in totals.items()}


def _transfer_values(t: Transfer, created_at: object,
                     moment: Callable[[datetime], object]) -> tuple[object, ...]:
    return (
        t.id, t.debit_account_id, t.credit_account_id, t.amount_minor, t.currency,
        t.kind.value, t.pending_id, t.timeout_s, t.code, created_at,
        None if t.expires_at is None else moment(t.expires_at),
        _state_value(t), t.debit_balance_after_minor, t.credit_balance_after_minor,
    )


def _state_value(transfer: Transfer) -> str | None:
    return transfer.state.value if transfer.state is not None else None


def _account_totals(a: LedgerAccount) -> tuple[object, ...]:
    return (a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending, a.id)


INSERT_TRANSFER = (
    "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_minor, "
    "currency, kind, pending_id, timeout_s, code, created_at, expires_at, state, "
    "debit_balance_after_minor, credit_balance_after_minor) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
UPDATE_STATE = "UPDATE ledger_transfers SET state = ? WHERE id = ?"
UPDATE_TOTALS = ("UPDATE ledger_accounts SET debits_posted = ?, credits_posted = ?, "
                 "debits_pending = ?, credits_pending = ? WHERE id = ?")


class DriverStatements:
    """The write statements of a batch in the driver's own parameter style."""

    def __init__(self, paramstyle: str) -> None:
        if paramstyle not in ("qmark", "numeric_dollar"):
            raise NotImplementedError(f"parameter style {paramstyle!r}")
        convert = _numbered if paramstyle == "numeric_dollar" else str
        self.insert_transfer = convert(INSERT_TRANSFER)
        self.update_state = convert(UPDATE_STATE)
        self.update_totals = convert(UPDATE_TOTALS)

    def writes(self, batch: LedgerBatch,
               moment: Callable[[datetime], object]) -> list[tuple[str, list[tuple[object, ...]]]]:
        """(statement, rows) pairs that store a batch's changes, for `executemany`."""
        # The hot path of every batch: plain driver-level executemany, without SQLAlchemy's
        # per-row parameter processing (several times faster for 1,000-row batches).
        writes: list[tuple[str, list[tuple[object, ...]]]] = []
        if batch.new_transfers:
            created_at = moment(batch.now)  # the same for every transfer of a batch
            writes.append((self.insert_transfer, [
                _transfer_values(t, created_at, moment) for t in batch.new_transfers]))
        if batch.changed_pending_ids:
            writes.append((self.update_state, [
                (_state_value(batch.transfers[i]), i) for i in sorted(batch.changed_pending_ids)]))
        if batch.changed_account_ids:
            writes.append((self.update_totals, [
                _account_totals(batch.accounts[i]) for i in sorted(batch.changed_account_ids)]))
        return writes


def _numbered(sql: str) -> str:
    """`?` placeholders as `$1, $2, ...` (asyncpg's style)."""
    counter = itertools.count(1)
    return re.sub(r"\?", lambda _match: f"${next(counter)}", sql)


def sqlite_moment(moment: datetime) -> str:
    """How SQLAlchemy stores a UTC datetime in SQLite, so reads parse it back the same."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def native_moment(moment: datetime) -> datetime:
    return moment
