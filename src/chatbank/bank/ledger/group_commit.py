"""Group commit on SQLite: single transfers from concurrent callers share one transaction.

SQLite has one writer at a time, and on the async driver every statement is a hop to its
thread, so one transfer per transaction costs a BEGIN IMMEDIATE, four statements and a COMMIT
(and, with several writers, waits on the lock). Here requests queue up; one thread applies
each batch with the same `LedgerBatch` rules in one transaction on a plain `sqlite3`
connection. Every request is still checked on its own and gets its own result code (a rejected
one changes nothing); an unexpected database error rolls the batch back and its requests are
retried one by one, so a bad request fails alone. The pattern is the messenger's
`GroupCommitSqliteWriter`; `SqliteGroupCommit` is its generic form, used here for ledger
transfers and by the books for domestic payments (`books.sqlite_payments`). Both run their
batches on a `db.batch_thread.BatchThread`, which takes each next batch itself.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any, Generic, TypeVar

from chatbank.bank.ledger.batch import LedgerBatch
from chatbank.bank.ledger.model import (
    AccountKind,
    LedgerAccount,
    Transfer,
    TransferRequest,
    TransferResult,
)
from chatbank.bank.ledger.sql_ledger import (
    ACCOUNT_FIELDS,
    CHUNK,
    DriverStatements,
    row_to_transfer,
    sqlite_moment,
    touched_account_ids,
    touched_transfer_ids,
)
from chatbank.bank.ledger.tables import ledger_transfers
from chatbank.core.clock import Clock
from chatbank.db.batch_thread import BatchThread
from chatbank.db.engine import set_sqlite_pragmas

log = logging.getLogger("chatbank.bank.ledger")
MAX_BATCH = 512  # transfers per transaction; keeps each commit (and the lock it holds) short
RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")
ApplyBatch = Callable[[sqlite3.Connection, list[RequestT], datetime],
                      list[ResultT | BaseException]]
ACCOUNT_COLUMNS = ", ".join(column.name for column in ACCOUNT_FIELDS)
TRANSFER_COLUMNS = tuple(c.name for c in ledger_transfers.columns if c.name != "seq")
SELECT_ACCOUNTS = f"SELECT {ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id IN "  # noqa: S608
SELECT_TRANSFERS = (
    f"SELECT {', '.join(TRANSFER_COLUMNS)} FROM ledger_transfers WHERE id IN ")  # noqa: S608


class SqliteDriverLedger:
    """The part of `SqlLedger` a batch needs, on a plain `sqlite3` connection of one thread:
    no SQLAlchemy between the rules and the driver (most of a small batch's cost)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.sql = DriverStatements("qmark")

    def create_transfers(self, requests: Sequence[TransferRequest],
                         now: datetime) -> list[TransferResult]:
        """Apply `requests` in order; one result per request, in the same order."""
        transfers = self.lookup_transfers(touched_transfer_ids(requests))
        batch = LedgerBatch(self._accounts(touched_account_ids(requests, transfers)),
                            transfers, now)
        results = [batch.create(request) for request in requests]
        for sql, rows in self.sql.writes(batch, sqlite_moment):
            self.db.executemany(sql, rows)
        return results

    def _select(self, sql: str, ids: Iterable[str]) -> list[tuple[Any, ...]]:
        unique = sorted(set(ids))
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start:start + CHUNK]
            rows += self.db.execute(f"{sql}({', '.join('?' * len(chunk))})", chunk).fetchall()
        return rows

    def _accounts(self, ids: Iterable[str]) -> dict[str, LedgerAccount]:
        return {id_: LedgerAccount(id_, currency, AccountKind(kind), *totals)
                for id_, currency, kind, *totals in self._select(SELECT_ACCOUNTS, ids)}

    def lookup_transfers(self, ids: Iterable[str]) -> dict[str, Transfer]:
        """Transfers by id (missing ids are simply absent)."""
        found: dict[str, Transfer] = {}
        for values in self._select(SELECT_TRANSFERS, ids):
            row = dict(zip(TRANSFER_COLUMNS, values, strict=True))
            for moment in ("created_at", "expires_at"):
                if row[moment] is not None:  # written by `sqlite_moment`, in UTC
                    row[moment] = datetime.fromisoformat(row[moment])
            found[row["id"]] = row_to_transfer(SimpleNamespace(**row))
        return found


class SqliteGroupCommit(Generic[RequestT, ResultT]):
    """Queues requests; one writer thread applies each queued batch in one transaction.

    `apply(db, requests, now)` runs inside the transaction and returns one result per request,
    in order: a value, or the exception that request alone failed with (its caller gets it
    raised). If `apply` itself raises, the batch is rolled back and retried one by one.
    """

    def __init__(self, database_path: str, clock: Clock, apply: ApplyBatch[RequestT, ResultT],
                 name: str = "sqlite-writer") -> None:
        self.database_path = database_path
        self.clock = clock
        self.apply = apply
        self.name = name
        self.commits = 0
        self.db: sqlite3.Connection | None = None  # opened by, and used only in, the thread
        self.writer: BatchThread[RequestT, ResultT] = BatchThread(
            name, self._commit, MAX_BATCH, on_stop=self._close_connection)

    async def submit(self, request: RequestT) -> ResultT:
        """Apply one request in the next group transaction; its own result (or error)."""
        return await self.writer.submit(request)

    def _commit(self, requests: list[RequestT]) -> list[ResultT | BaseException]:
        try:
            return self._commit_together(requests)
        except Exception:  # rolled back; retry each alone so one bad request fails alone
            log.warning("event=group_commit_rolled_back writer=%s size=%d",
                        self.name, len(requests))
        outcomes: list[ResultT | BaseException] = []
        for request in requests:
            try:
                outcomes.extend(self._commit_together([request]))
            except Exception as error:  # handed to that request's caller
                outcomes.append(error)
        return outcomes

    def _commit_together(self, requests: list[RequestT]) -> list[ResultT | BaseException]:
        if self.db is None:
            self.db = sqlite3.connect(self.database_path, isolation_level=None)
            set_sqlite_pragmas(self.db, None)
        # IMMEDIATE takes the write lock up front: a batch reads balances, then writes them.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            results = self.apply(self.db, requests, self.clock.now())
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.commits += 1
        return results

    async def close(self) -> None:
        """Let the writer thread finish its work, then close its connection."""
        await self.writer.stop()

    def _close_connection(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _apply_transfers(db: sqlite3.Connection, requests: list[TransferRequest],
                     now: datetime) -> list[TransferResult | BaseException]:
    return list(SqliteDriverLedger(db).create_transfers(requests, now))


class GroupCommitLedger(SqliteGroupCommit[TransferRequest, TransferResult]):
    """Single ledger transfers, group-committed (each with its own result code)."""

    def __init__(self, database_path: str, clock: Clock) -> None:
        super().__init__(database_path, clock, _apply_transfers, name="ledger-writer")

    async def create_transfer(self, request: TransferRequest) -> TransferResult:
        """Apply one transfer in the next group transaction; its own result code."""
        return await self.submit(request)
