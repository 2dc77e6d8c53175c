"""The bank's own database: metadata, engine and programmatic Alembic migrations.

Each sandbox bank keeps its books in its own database (one SQLite file per bank by default), so
the bank declares its tables on `bank_metadata`, never on the platform's metadata.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.db.engine import create_engine_for_url, is_sqlite
from chatbank.db.metadata import NAMING_CONVENTION
from chatbank.db.migrate import alembic_config, upgrade_to_head

bank_metadata = MetaData(naming_convention=NAMING_CONVENTION)

BANK_MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Table modules declared on `bank_metadata`; optional ones belong to other slices of the bank.
BANK_TABLE_MODULES = (
    "chatbank.bank.ledger.tables",
    "chatbank.bank.books.tables",
    "chatbank.bank.auth.tables",
    "chatbank.bank.openbanking.tables",
)
# Execution option that makes an SQLite transaction take the write lock when it begins.
WRITE_INTENT = "chatbank_write_intent"


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself, so writers can ask for BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    immediate = conn.get_execution_options().get(WRITE_INTENT, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_bank_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An async engine for a bank database; on SQLite, writers may take the lock up front.

    Use `writer_engine(engine)` for transactions that read balances and then write them: on
    SQLite they start with ``BEGIN IMMEDIATE`` so two writers never race on a stale snapshot.
    """
    engine = create_engine_for_url(url, pool_size=pool_size)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_manual_transactions)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def writer_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same engine (same pool) whose transactions announce they will write."""
    return engine.execution_options(**{WRITE_INTENT: True})


def sqlite_bank_url(data_dir: Path, bank_name: str) -> str:
    """The SQLite URL of the bank called `bank_name` inside `data_dir`."""
    return f"sqlite+aiosqlite:///{(data_dir / f'bank-{bank_name}.db').resolve()}"


def bank_alembic_config(database_url: str) -> Config:
    return alembic_config(database_url, BANK_MIGRATIONS_DIR)


def upgrade_bank_database(database_url: str) -> None:
    """Bring the bank database at `database_url` to the newest schema (blocking).

    Alembic runs its own event loop, so when called from inside a running loop the upgrade
    runs in a short-lived worker thread (prefer `await asyncio.to_thread(...)` there).
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        upgrade_to_head(database_url, BANK_MIGRATIONS_DIR)
        return
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(upgrade_to_head, database_url, BANK_MIGRATIONS_DIR).result()
