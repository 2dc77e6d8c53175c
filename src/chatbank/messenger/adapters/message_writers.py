"""Two ways to run the send transaction: group commit on SQLite, `run_sync` elsewhere."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection

from chatbank.core.clock import Clock
from chatbank.db.batch_thread import BatchThread
from chatbank.db.engine import set_sqlite_pragmas
from chatbank.db.wal_checkpointer import WalCheckpointer
from chatbank.messenger.adapters.send_batch_sqlite import post_batch
from chatbank.messenger.adapters.send_path import (
    PostOutcome,
    PostRequest,
    Renderer,
    post_in_transaction,
)
from chatbank.messenger.adapters.send_statements_core import CoreSendStatements
from chatbank.messenger.adapters.send_statements_sqlite import SqliteSendStatements

log = logging.getLogger("chatbank.messenger")
MAX_BATCH = 256


class AsyncEngineWriter:
    """One transaction per message through the async engine (PostgreSQL, many instances)."""

    def __init__(self, engine: AsyncEngine, clock: Clock, render: Renderer) -> None:
        self.engine, self.clock, self.render = engine, clock, render

    async def post(self, request: PostRequest) -> PostOutcome:
        for attempt in range(2):
            try:
                async with self.engine.begin() as conn:
                    return await conn.run_sync(self._post, request)
            except IntegrityError:
                # A concurrent retry with the same client id won: the next try returns it.
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def _post(self, conn: Connection, request: PostRequest) -> PostOutcome:
        return post_in_transaction(CoreSendStatements(conn), request, self.clock.now(),
                                   self.render)

    async def close(self) -> None:
        return None


class GroupCommitSqliteWriter:
    """Sends queue up; one thread commits each batch in a single SQLite transaction.

    SQLite has one writer at a time anyway; batching turns N commits and ~6N thread hops into
    one commit and one hop, and `post_batch` shares the batch's reads and inserts. A request that
    fails validation fails alone (nothing was written for it); an unexpected error rolls the
    batch back and its requests are retried one by one. WAL checkpoints run in a thread of their
    own (`WalCheckpointer`), not inside the writer's commits.
    """

    def __init__(self, sync_url: str, clock: Clock, render: Renderer) -> None:
        self.engine: Engine = create_engine(sync_url, pool_size=1, max_overflow=0)
        event.listen(self.engine, "connect", set_sqlite_pragmas)
        self.clock, self.render = clock, render
        # Checked out once by the writer thread and kept: a pool checkout and SQLAlchemy's
        # transaction per batch cost more than the batch's own statements.
        self._held: PoolProxiedConnection | None = None
        database = make_url(sync_url).database
        self.checkpointer = (WalCheckpointer(database)
                             if database and database != ":memory:" else None)
        if self.checkpointer is not None:
            self.checkpointer.start()
        self.writer: BatchThread[PostRequest, PostOutcome] = BatchThread(
            "sqlite-writer", self._commit_batch, MAX_BATCH, self._after_batch, self._release)

    async def post(self, request: PostRequest) -> PostOutcome:
        return await self.writer.submit(request)

    def _after_batch(self) -> None:
        if self.checkpointer is not None:
            self.checkpointer.nudge()
            if self.checkpointer.tail_due():
                self.checkpointer.checkpoint_tail(self._connection())

    def _connection(self) -> sqlite3.Connection:
        """The writer thread's own connection (its transactions: `with connection:` commits,
        or rolls back on an exception)."""
        fresh = self._held is None
        if self._held is None:
            self._held = self.engine.raw_connection()
        driver = self._held.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        if fresh and self.checkpointer is not None:
            driver.execute("PRAGMA wal_autocheckpoint=0")
        return driver

    def _commit_batch(self, requests: list[PostRequest]) -> list[PostOutcome | BaseException]:
        conn = self._connection()
        try:
            with conn:
                # The write lock first: the batch's reads are then those its writes rest on.
                conn.execute("BEGIN IMMEDIATE")
                # One clock reading per batch: its messages share a timestamp.
                batch = post_batch(conn.cursor(), requests, self.clock.now(), self.render)
            return list(batch)
        except Exception:  # roll back the batch; retry each alone so one bad apple fails alone
            log.warning("event=send_batch_rolled_back size=%d", len(requests))
            results: list[PostOutcome | BaseException] = []
            for request in requests:
                try:
                    with conn:
                        conn.execute("BEGIN IMMEDIATE")
                        results.append(post_in_transaction(SqliteSendStatements(conn.cursor()),
                                                           request, self.clock.now(),
                                                           self.render))
                except Exception as error:  # handed to that request's caller
                    results.append(error)
            return results

    def _release(self) -> None:
        if self._held is not None:
            self._held.close()  # back to the pool, in the thread that checked it out
            self._held = None

    async def close(self) -> None:
        await self.writer.stop()  # commits what is queued, then releases the connection
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self.engine.dispose()
