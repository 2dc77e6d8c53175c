"""`INSERT … ON CONFLICT DO NOTHING` for SQLite and PostgreSQL (no check-then-insert races)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


async def insert_if_absent(conn: AsyncConnection, table: Table, **values: Any) -> bool:
    """Insert the row unless its key exists; returns whether a row was inserted."""
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing()
    result = await conn.execute(statement)
    return bool(result.rowcount)
