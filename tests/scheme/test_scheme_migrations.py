"""The scheme's tables come from its own Alembic migrations, on SQLite and PostgreSQL: the
migrated schema is exactly the declared one, and a database created before the migrations
existed (tables, no alembic_version) is adopted with its payments intact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, func, select, text

from chatbank.db.engine import create_engine_for_url
from chatbank.db.migrate import alembic_config
from chatbank.scheme.migrate import SCHEME_MIGRATIONS_DIR
from chatbank.scheme.store import SqlPayments
from chatbank.scheme.tables import scheme_metadata, scheme_payments
from tests.scheme.test_store import payment
from tests.support.postgres import PostgresServer, postgres_server

__all__ = ["postgres_server"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def scheme_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'scheme.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.fresh_database("scheme_migrations")


def schema_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, scheme_metadata))


def revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def test_migrated_scheme_database_has_exactly_the_declared_schema(scheme_url: str) -> None:
    engine = create_engine_for_url(scheme_url)
    try:
        await SqlPayments(engine).create_tables()
        async with engine.connect() as conn:
            assert await conn.run_sync(schema_differences) == []
            head = ScriptDirectory.from_config(
                alembic_config(scheme_url, SCHEME_MIGRATIONS_DIR)).get_current_head()
            assert head is not None and await conn.run_sync(revision) == head
    finally:
        await engine.dispose()


async def test_a_scheme_database_made_before_migrations_is_adopted_with_its_payments(
        scheme_url: str) -> None:
    engine = create_engine_for_url(scheme_url)
    try:
        async with engine.begin() as conn:  # how the scheme made its tables before
            await conn.run_sync(scheme_metadata.create_all)
        store = SqlPayments(engine)
        assert await store.insert(payment("sp_old"))
        await store.create_tables()
        await store.create_tables()
        async with engine.connect() as conn:
            assert await conn.run_sync(revision) is not None
            count = await conn.scalar(select(func.count()).select_from(scheme_payments))
            assert count == 1
            assert (await conn.execute(text("SELECT count(*) FROM alembic_version"))).scalar() == 1
        assert (await store.get("sp_old")) == payment("sp_old")
    finally:
        await engine.dispose()
