"""The ledger's use cases, each in its own database transaction.

Books that must write their own rows atomically with a transfer use `SqlLedger` on their
transaction instead (see `chatbank.bank.books`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.bank.db import writer_engine
from chatbank.bank.ledger.group_commit import GroupCommitLedger
from chatbank.bank.ledger.model import LedgerAccount, Transfer, TransferRequest, TransferResult
from chatbank.bank.ledger.sql_ledger import SqlLedger
from chatbank.core.clock import Clock, SystemClock

# PostgreSQL may abort one of two racing transactions (same new transfer id, or a deadlock
# between row locks); the whole batch is then simply retried and sees the winner's rows.
RACE_RETRIES = 5


def sqlite_file_of(engine: AsyncEngine) -> str | None:
    """The file of an SQLite database (None for other databases and in-memory SQLite): where
    a group-commit writer can open its own connection."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return url.database


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction that holds the write lock from its start (BEGIN IMMEDIATE on SQLite)."""
    async with writer_engine(engine).begin() as conn:
        yield conn


class LedgerService:
    """Creates ledger accounts and transfers; every call is one atomic database transaction."""

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self._group: GroupCommitLedger | None = None

    async def create_accounts(self, accounts: Sequence[LedgerAccount]) -> None:
        """Open ledger accounts with zero balances."""
        async with write_transaction(self.engine) as conn:
            await SqlLedger(conn).create_accounts(accounts, self.clock.now())

    async def create_transfers(self, requests: Sequence[TransferRequest]) -> list[TransferResult]:
        """Apply `requests` in order in ONE transaction; one result per request.

        Rejected requests change nothing; retrying an accepted id returns `exists`.
        """
        for attempt in range(RACE_RETRIES):
            try:
                async with write_transaction(self.engine) as conn:
                    return await SqlLedger(conn).create_transfers(requests, self.clock.now())
            except DBAPIError:
                if self.engine.dialect.name != "postgresql" or attempt == RACE_RETRIES - 1:
                    raise
                await asyncio.sleep(0.005 * (attempt + 1))
        raise AssertionError("unreachable")

    async def create_transfer(self, request: TransferRequest) -> TransferResult:
        """One transfer, checked on its own, with its own result.

        On an SQLite file, concurrent single transfers are group-committed (see
        `group_commit`); elsewhere each runs in its own transaction.
        """
        if self._group is None:
            path = sqlite_file_of(self.engine)
            if path is None:
                return (await self.create_transfers([request]))[0]
            self._group = GroupCommitLedger(path, self.clock)
        return await self._group.create_transfer(request)

    async def close(self) -> None:
        """Stop the group-commit writer, if one was started (the engine stays open)."""
        if self._group is not None:
            await self._group.close()
            self._group = None

    async def void_expired(self, keep_codes: frozenset[int] = frozenset()) -> list[str]:
        """Release every pending transfer whose timeout has passed (but those with a code in
        `keep_codes`); return their ids."""
        released: list[str] = []
        while True:
            async with write_transaction(self.engine) as conn:
                chunk = await SqlLedger(conn).void_expired(self.clock.now(), keep_codes)
            released.extend(chunk)
            if not chunk:
                return released

    async def lookup_accounts(self, ids: Sequence[str]) -> dict[str, LedgerAccount]:
        """Accounts by id (missing ids are simply absent)."""
        async with self.engine.connect() as conn:
            return await SqlLedger(conn).lookup_accounts(ids)

    async def lookup_transfers(self, ids: Sequence[str]) -> dict[str, Transfer]:
        """Transfers by id (missing ids are simply absent)."""
        async with self.engine.connect() as conn:
            return await SqlLedger(conn).lookup_transfers(ids)

    async def sum_of_balances_by_currency(self) -> dict[str, int]:
        """Per currency, the sum of all booked balances: zero while the books balance."""
        async with self.engine.connect() as conn:
            return await SqlLedger(conn).sum_of_balances_by_currency()

    async def journal_totals(self) -> dict[str, tuple[int, int, int, int]]:
        """Per account, the four totals recomputed from the journal."""
        async with self.engine.connect() as conn:
            return await SqlLedger(conn).journal_totals()
