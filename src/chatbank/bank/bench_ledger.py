"""Ledger throughput on SQLite, next to a raw-SQL baseline measured in the same run.

`bench_ledger(data_dir, seconds)` posts transfers between 1,000 customer accounts:
- one transfer per request through `LedgerService.create_transfer` (the single-transfer
  path; on SQLite concurrent requests are group-committed), from 1 and 8 concurrent clients;
- batches of 1,000 transfers per transaction, from 1 and from 8 clients;
- baselines: plain ``INSERT``s of the same journal rows on a fresh database of the same schema
  (no balance checks, no account updates), with ``executemany`` 1,000 rows per transaction,
  one row per transaction through the async driver (what any single-row write costs there),
  and one row per transaction on plain `sqlite3` in a worker thread (the group writer's path).
Each phase runs for about `seconds / 7`. The books are checked to balance at the end.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.db import create_bank_engine, sqlite_bank_url, upgrade_bank_database
from chatbank.bank.ledger import (
    AccountKind,
    LedgerAccount,
    LedgerService,
    TransferRequest,
    TransferResult,
    write_transaction,
)
from chatbank.db.engine import set_sqlite_pragmas

ACCOUNTS = 1000
BATCH_SIZE = 1000
CLIENTS = 8
OPENING_BALANCE_MINOR = 10**9
PHASES = 7


class TransferSource:
    """Deterministic stream of customer-to-customer transfers with unique ids."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.count = 0
        self.rng = random.Random(label)  # noqa: S311 - benchmark data, not security

    def take(self, n: int) -> list[TransferRequest]:
        requests = []
        for _ in range(n):
            self.count += 1
            debit, credit = self.rng.sample(range(ACCOUNTS), 2)
            requests.append(TransferRequest(
                f"{self.label}-{self.count}", f"c{debit}", f"c{credit}",
                self.rng.randint(1, 5000), "GBP"))
        return requests


async def _open_accounts(ledger: LedgerService) -> None:
    await ledger.create_accounts([LedgerAccount("bank", "GBP", AccountKind.SETTLEMENT)] + [
        LedgerAccount(f"c{i}", "GBP", AccountKind.CUSTOMER) for i in range(ACCOUNTS)])
    await ledger.create_transfers([
        TransferRequest(f"open-{i}", "bank", f"c{i}", OPENING_BALANCE_MINOR, "GBP")
        for i in range(ACCOUNTS)])


class Rate(NamedTuple):
    per_s: float  # over the wall-clock time actually taken
    cpu_us_per_row: float  # CPU of this process (all its threads): steadier on a busy machine


async def _run_clients(clients: int, budget_s: float,
                       step: Callable[[int], Awaitable[int]]) -> Rate:
    """Run `clients` loops of `step(client)` (which returns rows done) for `budget_s`."""
    started, cpu_started = time.perf_counter(), time.process_time()

    async def loop(client: int) -> int:
        done = 0
        while True:
            done += await step(client)
            if time.perf_counter() - started >= budget_s:
                return done

    rows = sum(await asyncio.gather(*(loop(c) for c in range(clients))))
    cpu_s, wall_s = time.process_time() - cpu_started, time.perf_counter() - started
    return Rate(rows / wall_s, cpu_s * 1e6 / max(rows, 1))


async def _ledger_phase(ledger: LedgerService, name: str, clients: int, batch_size: int,
                        budget_s: float, rejected: list[int]) -> Rate:
    sources = [TransferSource(f"{name}-{c}") for c in range(clients)]

    async def step(client: int) -> int:
        requests = sources[client].take(batch_size)
        # One per request goes the way a payment does: `create_transfer`, group-committed.
        results = ([await ledger.create_transfer(requests[0])] if batch_size == 1
                   else await ledger.create_transfers(requests))
        accepted = sum(1 for r in results if r == TransferResult.OK)
        rejected[0] += len(results) - accepted
        return accepted

    return await _run_clients(clients, budget_s, step)


RAW_INSERT = (
    "INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount_minor,"
    " currency, kind, pending_id, timeout_s, code, created_at, expires_at, state,"
    " debit_balance_after_minor, credit_balance_after_minor)"
    " VALUES (?, ?, ?, ?, 'GBP', 'posted', '', 0, 0, ?, NULL, NULL, 0, 0)")


def _raw_rows(source: TransferSource, n: int) -> list[tuple[object, ...]]:
    now = datetime.now(UTC).isoformat(sep=" ")
    return [(r.id, r.debit_account_id, r.credit_account_id, r.amount_minor, now)
            for r in source.take(n)]


async def _raw_insert_phase(engine: AsyncEngine, budget_s: float, rows_per_transaction: int,
                            label: str) -> Rate:
    """The same journal rows inserted with plain SQL, `rows_per_transaction` at a time."""
    source = TransferSource(label)

    async def step(_client: int) -> int:
        rows = _raw_rows(source, rows_per_transaction)
        async with write_transaction(engine) as conn:
            await conn.exec_driver_sql(RAW_INSERT, rows)
        return len(rows)

    return await _run_clients(1, budget_s, step)


async def _raw_thread_insert_phase(path: Path, budget_s: float, label: str) -> Rate:
    """One row per transaction on plain `sqlite3` in one worker thread, one awaited hop per
    row: the floor under a group-committed single transfer from one client."""
    source = TransferSource(label)
    worker = ThreadPoolExecutor(max_workers=1)
    db: list[sqlite3.Connection] = []

    def insert(row: tuple[object, ...]) -> None:
        if not db:
            db.append(sqlite3.connect(path, isolation_level=None))
            set_sqlite_pragmas(db[0], None)
        db[0].execute("BEGIN IMMEDIATE")
        db[0].execute(RAW_INSERT, row)
        db[0].execute("COMMIT")

    async def step(_client: int) -> int:
        await asyncio.get_running_loop().run_in_executor(worker, insert, _raw_rows(source, 1)[0])
        return 1

    def close() -> None:
        for connection in db:
            connection.close()

    try:
        return await _run_clients(1, budget_s, step)
    finally:
        await asyncio.get_running_loop().run_in_executor(worker, close)
        worker.shutdown()


async def _fresh_database(data_dir: Path, label: str) -> tuple[AsyncEngine, Path]:
    name = f"bench-{label}-{uuid.uuid4().hex[:8]}"
    url = sqlite_bank_url(data_dir, name)
    await asyncio.to_thread(upgrade_bank_database, url)
    return create_bank_engine(url), data_dir / f"bank-{name}.db"


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def bench_ledger(data_dir: Path, seconds: float = 10.0) -> dict[str, Any]:
    """Measure posted transfers per second on SQLite and a raw INSERT baseline; see module doc."""
    await asyncio.to_thread(data_dir.mkdir, parents=True, exist_ok=True)
    budget_s = seconds / PHASES
    engine, path = await _fresh_database(data_dir, "ledger")
    raw_engine, raw_path = await _fresh_database(data_dir, "raw")
    rejected = [0]
    ledger = LedgerService(engine)
    try:
        await _open_accounts(ledger)
        await _open_accounts(LedgerService(raw_engine))
        measured = {
            "single_1_client": await _ledger_phase(ledger, "s1", 1, 1, budget_s, rejected),
            "single_8_clients": await _ledger_phase(ledger, "s8", CLIENTS, 1, budget_s,
                                                    rejected),
            "batched_1_client": await _ledger_phase(ledger, "b1", 1, BATCH_SIZE, budget_s,
                                                    rejected),
            "batched_8_clients": await _ledger_phase(ledger, "b8", CLIENTS, BATCH_SIZE,
                                                     budget_s, rejected),
            "raw_insert_batched": await _raw_insert_phase(raw_engine, budget_s, BATCH_SIZE,
                                                          "raw-batched"),
            "raw_insert_single": await _raw_insert_phase(raw_engine, budget_s, 1, "raw-single"),
            "raw_insert_single_sqlite3_thread": await _raw_thread_insert_phase(
                raw_path, budget_s, "raw-thread"),
        }
        balanced = await ledger.sum_of_balances_by_currency() == {"GBP": 0}
    finally:
        await ledger.close()
        await engine.dispose()
        await raw_engine.dispose()
        await asyncio.to_thread(_remove_database, path)
        await asyncio.to_thread(_remove_database, raw_path)
    rates = {name: rate.per_s for name, rate in measured.items()}
    raw_rate, raw_single_rate, raw_thread_rate = (
        rates.pop("raw_insert_batched"), rates.pop("raw_insert_single"),
        rates.pop("raw_insert_single_sqlite3_thread"))
    return {
        "database": "sqlite", "accounts": ACCOUNTS, "batch_size": BATCH_SIZE,
        "clients": CLIENTS, "seconds_per_phase": budget_s,
        "posted_transfers_per_s": {k: round(v, 1) for k, v in rates.items()},
        "raw_insert_rows_per_s": round(raw_rate, 1),
        "raw_insert_single_row_transactions_per_s": round(raw_single_rate, 1),
        "raw_insert_single_row_sqlite3_thread_per_s": round(raw_thread_rate, 1),
        "cpu_us_per_row": {k: round(v.cpu_us_per_row, 1) for k, v in measured.items()},
        "ratios": {
            "batched_1_client_vs_raw_insert": round(rates["batched_1_client"] / raw_rate, 3),
            "single_1_client_vs_raw_single_insert": round(
                rates["single_1_client"] / raw_single_rate, 3),
            "single_1_client_vs_raw_sqlite3_thread_insert": round(
                rates["single_1_client"] / raw_thread_rate, 3),
            "batched_vs_single_1_client": round(
                rates["batched_1_client"] / rates["single_1_client"], 1),
        },
        "rejected_transfers": rejected[0], "books_balanced": balanced,
    }
