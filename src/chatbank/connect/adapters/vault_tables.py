"""The vault's table and its SQL: per-user data keys, stored only wrapped by a KEK."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.db.metadata import platform_metadata as md

# A user has generations of data keys: destroying one (crypto-shredding) keeps a tombstone so
# old blobs fail with `data_key_destroyed`, and the next seal starts a new generation.
user_data_keys = Table(
    "user_data_keys", md,
    Column("user_id", String(40), nullable=False),
    Column("generation", Integer, nullable=False, autoincrement=False),
    Column("kek_id", String(32), nullable=False),
    Column("wrapped_key", LargeBinary, nullable=True),  # NULL once destroyed
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("destroyed_at", DateTime(timezone=True), nullable=True),
    PrimaryKeyConstraint("user_id", "generation"),
)


@dataclass(frozen=True, slots=True)
class StoredDataKey:
    user_id: str
    generation: int
    kek_id: str
    wrapped_key: bytes | None


def _row_to_key(row: Any) -> StoredDataKey:
    return StoredDataKey(row.user_id, row.generation, row.kek_id, row.wrapped_key)


class SqlDataKeys:
    """Rows of `user_data_keys` on one open connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def live_key(self, user_id: str) -> StoredDataKey | None:
        """The user's newest undestroyed key, if any."""
        row = (await self.conn.execute(
            select(user_data_keys)
            .where(user_data_keys.c.user_id == user_id, user_data_keys.c.destroyed_at.is_(None))
            .order_by(user_data_keys.c.generation.desc()).limit(1)
        )).first()
        return _row_to_key(row) if row else None

    async def key(self, user_id: str, generation: int) -> StoredDataKey | None:
        row = (await self.conn.execute(select(user_data_keys).where(
            user_data_keys.c.user_id == user_id, user_data_keys.c.generation == generation,
        ))).first()
        return _row_to_key(row) if row else None

    async def next_generation(self, user_id: str) -> int:
        highest = await self.conn.scalar(
            select(func.max(user_data_keys.c.generation))
            .where(user_data_keys.c.user_id == user_id))
        return int(highest or 0) + 1

    async def insert(self, key: StoredDataKey, created_at: datetime) -> None:
        await self.conn.execute(insert(user_data_keys).values(
            user_id=key.user_id, generation=key.generation, kek_id=key.kek_id,
            wrapped_key=key.wrapped_key, created_at=created_at,
        ))

    async def destroy_all(self, user_id: str, destroyed_at: datetime) -> int:
        """Overwrite every live key of the user with NULL; returns how many were destroyed."""
        result = await self.conn.execute(
            update(user_data_keys)
            .where(user_data_keys.c.user_id == user_id, user_data_keys.c.destroyed_at.is_(None))
            .values(wrapped_key=None, destroyed_at=destroyed_at))
        return int(result.rowcount)

    async def live_keys_not_under(self, kek_id: str, limit: int) -> list[StoredDataKey]:
        rows = await self.conn.execute(
            select(user_data_keys)
            .where(user_data_keys.c.destroyed_at.is_(None), user_data_keys.c.kek_id != kek_id)
            .order_by(user_data_keys.c.user_id, user_data_keys.c.generation).limit(limit))
        return [_row_to_key(r) for r in rows]

    async def rewrap(self, old: StoredDataKey, kek_id: str, wrapped_key: bytes) -> bool:
        """Replace the wrapping if nobody changed the row meanwhile; True when it was replaced."""
        result = await self.conn.execute(
            update(user_data_keys)
            .where(user_data_keys.c.user_id == old.user_id,
                   user_data_keys.c.generation == old.generation,
                   user_data_keys.c.kek_id == old.kek_id,
                   user_data_keys.c.destroyed_at.is_(None))
            .values(kek_id=kek_id, wrapped_key=wrapped_key))
        return int(result.rowcount) == 1
