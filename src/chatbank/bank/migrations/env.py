"""Alembic environment of a bank database (separate from the platform's)."""

from __future__ import annotations

import asyncio
import importlib

from alembic import context
from sqlalchemy.engine import Connection

from chatbank.bank.db import BANK_TABLE_MODULES, bank_metadata, create_bank_engine
from chatbank.db.engine import is_sqlite

for module_name in BANK_TABLE_MODULES:
    try:
        importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        if missing.name is None or not module_name.startswith(missing.name):
            raise


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=bank_metadata,
        render_as_batch=is_sqlite(str(connection.engine.url)),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_bank_engine(url, pool_size=1)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    asyncio.run(_run_async(url))


run_migrations_online()
