"""The body of every Alembic `env.py` here: async engines on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.db.engine import create_engine_for_url, is_sqlite

# Every instance migrates at start-up. On PostgreSQL, instances starting together take turns on
# this lock (held until the migration commits); the later ones find the schema current.
MIGRATION_LOCK_ID = 0x636861746261  # "chatba"


def run_migrations_online(metadata: MetaData,
                          engine_for: Callable[..., AsyncEngine] = create_engine_for_url) -> None:
    """Migrate the database named in the Alembic config to `metadata`'s revisions."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None

    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"),
                               {"id": MIGRATION_LOCK_ID})
        context.configure(connection=connection, target_metadata=metadata,
                          render_as_batch=is_sqlite(str(connection.engine.url)),
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = engine_for(url, pool_size=1)
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
        await engine.dispose()

    asyncio.run(run_async())
