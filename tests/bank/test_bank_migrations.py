"""The bank's migrations build exactly the declared tables, on SQLite and PostgreSQL, and b0202
(standing orders recur) keeps the standing orders a bank already had."""

from __future__ import annotations

import importlib
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.db import (
    BANK_TABLE_MODULES,
    bank_alembic_config,
    bank_metadata,
    upgrade_bank_database,
)
from tests.bank.conftest import sqlite_url

for _module in BANK_TABLE_MODULES:
    importlib.import_module(_module)


def schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, bank_metadata))


async def test_migrated_bank_database_has_exactly_the_declared_schema(
        any_bank_engine: AsyncEngine) -> None:
    async with any_bank_engine.connect() as conn:
        assert await conn.run_sync(schema_differences) == []
        assert await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()) == "b0202"


def test_standing_orders_made_before_b0202_keep_their_rows_and_start_at_no_payments(
        tmp_path: Path) -> None:
    path = tmp_path / "old-bank.db"
    command.upgrade(bank_alembic_config(sqlite_url(path)), "b0201")
    with closing(sqlite3.connect(path)) as db:  # foreign keys off: the order alone is enough
        db.execute(
            "INSERT INTO standing_orders VALUES ('so1', 'a1', 'IntrvlMnthDay:01:01', 'RENT',"
            " '2026-01-01', '2026-02-01', NULL, 90000, 'GBP', 'Landlord', '401234',"
            " '87654321', 'Active')")
        db.commit()
    upgrade_bank_database(sqlite_url(path))
    with closing(sqlite3.connect(path)) as db:
        row = db.execute("SELECT payments_made, amount_minor, cancelled_at, status"
                         " FROM standing_orders").fetchone()
    assert row == (0, 90000, None, "Active")
