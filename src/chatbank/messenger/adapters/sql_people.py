"""SQL repository for users, sessions, contacts and blocks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.core.clock import as_utc
from chatbank.db.upsert import insert_if_absent
from chatbank.messenger.adapters.tables import blocks, contacts, sessions, users
from chatbank.messenger.model import User


def row_to_user(row: Any) -> User:
    return User(
        id=row.id, handle=row.handle, display_name=row.display_name, is_bot=row.is_bot,
        created_at=as_utc(row.created_at),
    )


class SqlPeople:
    """Users, their sessions, contacts and blocks, on one open connection/transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert_user(self, user: User, password_hash: str | None) -> None:
        await self.conn.execute(insert(users).values(
            id=user.id, handle=user.handle, display_name=user.display_name,
            password_hash=password_hash, is_bot=user.is_bot, created_at=user.created_at,
        ))

    async def handle_taken(self, handle: str) -> bool:
        found = await self.conn.scalar(select(users.c.id).where(users.c.handle == handle))
        return found is not None

    async def user_by_id(self, user_id: str) -> User | None:
        row = (await self.conn.execute(
            select(users).where(users.c.id == user_id, users.c.deleted_at.is_(None))
        )).first()
        return row_to_user(row) if row else None

    async def users_by_ids(self, user_ids: list[str]) -> list[User]:
        rows = await self.conn.execute(select(users).where(users.c.id.in_(user_ids)))
        return [row_to_user(r) for r in rows]

    async def user_and_hash_by_handle(self, handle: str) -> tuple[User, str | None] | None:
        row = (await self.conn.execute(
            select(users).where(users.c.handle == handle, users.c.deleted_at.is_(None))
        )).first()
        return (row_to_user(row), row.password_hash) if row else None

    async def set_password_hash(self, user_id: str, password_hash: str) -> None:
        await self.conn.execute(
            update(users).where(users.c.id == user_id).values(password_hash=password_hash)
        )

    async def set_display_name(self, user_id: str, display_name: str) -> None:
        await self.conn.execute(
            update(users).where(users.c.id == user_id).values(display_name=display_name)
        )

    async def search_users(self, prefix: str, limit: int) -> list[User]:
        pattern = prefix.replace("_", "\\_") + "%"  # callers pass [a-z0-9_] only
        rows = await self.conn.execute(
            select(users)
            .where(users.c.handle.like(pattern, escape="\\"), users.c.deleted_at.is_(None))
            .order_by(users.c.handle).limit(limit)
        )
        return [row_to_user(r) for r in rows]

    async def insert_session(self, token_hash: str, user_id: str, csrf_token: str,
                             created_at: datetime, expires_at: datetime) -> None:
        await self.conn.execute(insert(sessions).values(
            token_hash=token_hash, user_id=user_id, csrf_token=csrf_token,
            created_at=created_at, expires_at=expires_at,
        ))

    async def session_by_hash(self, token_hash: str) -> tuple[str, str, datetime] | None:
        row = (await self.conn.execute(
            select(sessions.c.user_id, sessions.c.csrf_token, sessions.c.expires_at)
            .where(sessions.c.token_hash == token_hash)
        )).first()
        return (row.user_id, row.csrf_token, as_utc(row.expires_at)) if row else None

    async def delete_session(self, token_hash: str) -> None:
        await self.conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))

    async def delete_sessions_of(self, user_id: str) -> None:
        await self.conn.execute(delete(sessions).where(sessions.c.user_id == user_id))

    async def add_contact(self, owner_id: str, contact_id: str, now: datetime) -> bool:
        return await insert_if_absent(self.conn, contacts, owner_id=owner_id,
                                      contact_id=contact_id, created_at=now)

    async def remove_contact(self, owner_id: str, contact_id: str) -> None:
        await self.conn.execute(delete(contacts).where(
            contacts.c.owner_id == owner_id, contacts.c.contact_id == contact_id))

    async def contacts_of(self, owner_id: str) -> list[User]:
        rows = await self.conn.execute(
            select(users).join(contacts, contacts.c.contact_id == users.c.id)
            .where(contacts.c.owner_id == owner_id, users.c.deleted_at.is_(None))
            .order_by(users.c.display_name)
        )
        return [row_to_user(r) for r in rows]

    async def add_block(self, blocker_id: str, blocked_id: str, now: datetime) -> None:
        await insert_if_absent(self.conn, blocks, blocker_id=blocker_id, blocked_id=blocked_id,
                               created_at=now)

    async def remove_block(self, blocker_id: str, blocked_id: str) -> None:
        await self.conn.execute(delete(blocks).where(
            blocks.c.blocker_id == blocker_id, blocks.c.blocked_id == blocked_id))

    async def blocked_by(self, blocker_id: str, blocked_id: str) -> bool:
        found = await self.conn.scalar(select(func.count()).select_from(blocks).where(
            blocks.c.blocker_id == blocker_id, blocks.c.blocked_id == blocked_id))
        return bool(found)

    async def either_blocked(self, a: str, b: str) -> bool:
        found = await self.conn.scalar(select(func.count()).select_from(blocks).where(or_(
            (blocks.c.blocker_id == a) & (blocks.c.blocked_id == b),
            (blocks.c.blocker_id == b) & (blocks.c.blocked_id == a),
        )))
        return bool(found)

    async def blocked_users(self, blocker_id: str) -> list[User]:
        rows = await self.conn.execute(
            select(users).join(blocks, blocks.c.blocked_id == users.c.id)
            .where(blocks.c.blocker_id == blocker_id)
        )
        return [row_to_user(r) for r in rows]

    async def scrub_user(self, user_id: str, now: datetime) -> None:
        """Account deletion: no name, no password, no sessions, contacts or blocks left."""
        await self.conn.execute(update(users).where(users.c.id == user_id).values(
            display_name="Deleted user", password_hash=None, deleted_at=now))
        await self.conn.execute(delete(sessions).where(sessions.c.user_id == user_id))
        await self.conn.execute(delete(contacts).where(or_(
            contacts.c.owner_id == user_id, contacts.c.contact_id == user_id)))
        await self.conn.execute(delete(blocks).where(or_(
            blocks.c.blocker_id == user_id, blocks.c.blocked_id == user_id)))
