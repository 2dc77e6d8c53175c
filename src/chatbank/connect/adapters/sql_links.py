"""SQL repository for bank links, link attempts, sealed tokens and the sealed data cache."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.connect.adapters.tables import (
    bank_links,
    bank_tokens,
    cached_bank_data,
    link_attempts,
)
from chatbank.connect.model import BankLink, LinkStatus
from chatbank.core.clock import as_utc


def _opt(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment else None


def _link(row: Any) -> BankLink:
    return BankLink(
        id=row.id, user_id=row.user_id, bank_id=row.bank_id, consent_id=row.consent_id,
        purposes=tuple(row.purposes), permissions=tuple(row.permissions),
        status=LinkStatus(row.status), created_at=as_utc(row.created_at),
        expires_at=as_utc(row.expires_at), authorised_at=_opt(row.authorised_at),
        revoked_at=_opt(row.revoked_at), last_used_at=_opt(row.last_used_at),
        confirmed_at=_opt(row.confirmed_at), reconfirm_asked_at=_opt(row.reconfirm_asked_at),
    )


@asynccontextmanager
async def links_tx(engine: AsyncEngine, within: SqlLinks | None = None
                   ) -> AsyncIterator[SqlLinks]:
    """A transaction's repository, or `within`'s when one is already open."""
    if within is not None:
        yield within
        return
    async with engine.begin() as conn:
        yield SqlLinks(conn)


class SqlLinks:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert_link(self, link: BankLink) -> None:
        await self.conn.execute(insert(bank_links).values(
            id=link.id, user_id=link.user_id, bank_id=link.bank_id, consent_id=link.consent_id,
            purposes=list(link.purposes), permissions=list(link.permissions),
            status=link.status.value, created_at=link.created_at, expires_at=link.expires_at))

    async def link(self, link_id: str) -> BankLink | None:
        query = select(bank_links).where(bank_links.c.id == link_id)
        row = (await self.conn.execute(query)).first()
        return _link(row) if row else None

    async def links_of(self, user_id: str) -> list[BankLink]:
        rows = await self.conn.execute(select(bank_links).where(
            bank_links.c.user_id == user_id).order_by(bank_links.c.created_at))
        return [_link(r) for r in rows]

    async def set_status(self, link_id: str, status: LinkStatus, **moments: datetime) -> None:
        await self.conn.execute(update(bank_links).where(bank_links.c.id == link_id)
                                .values(status=status.value, **moments))

    async def set_moment(self, link_id: str, **moments: datetime) -> None:
        await self.conn.execute(update(bank_links).where(bank_links.c.id == link_id)
                                .values(**moments))

    async def touch(self, link_id: str, now: datetime) -> None:
        await self.conn.execute(update(bank_links).where(bank_links.c.id == link_id)
                                .values(last_used_at=now))

    async def insert_attempt(self, state_hash: str, link_id: str, user_id: str,
                             sealed_verifier: bytes, created_at: datetime,
                             expires_at: datetime) -> None:
        await self.conn.execute(insert(link_attempts).values(
            state_hash=state_hash, link_id=link_id, user_id=user_id,
            sealed_verifier=sealed_verifier, created_at=created_at, expires_at=expires_at))

    async def claim_attempt(self, state_hash: str, now: datetime) -> Any | None:
        """Mark the attempt used (once); returns its row, or None if unknown or already used."""
        claimed = await self.conn.execute(update(link_attempts).where(
            link_attempts.c.state_hash == state_hash, link_attempts.c.used_at.is_(None)
        ).values(used_at=now))
        if not claimed.rowcount:
            return None
        return (await self.conn.execute(select(link_attempts).where(
            link_attempts.c.state_hash == state_hash))).first()

    async def open_attempts_of(self, user_id: str) -> list[tuple[str, bytes]]:
        """(state hash, sealed verifier) of the user's attempts not used yet."""
        rows = await self.conn.execute(select(
            link_attempts.c.state_hash, link_attempts.c.sealed_verifier).where(
            link_attempts.c.user_id == user_id, link_attempts.c.used_at.is_(None)))
        return [(str(r.state_hash), bytes(r.sealed_verifier)) for r in rows]

    async def reseal_attempt(self, state_hash: str, sealed_verifier: bytes) -> None:
        await self.conn.execute(update(link_attempts).where(
            link_attempts.c.state_hash == state_hash).values(sealed_verifier=sealed_verifier))

    async def lock_user_links(self, user_id: str) -> None:
        """Hold a lock on the user's links until this transaction ends (PostgreSQL advisory)."""
        await self.conn.execute(select(func.pg_advisory_xact_lock(
            func.hashtext(f"bank-links:{user_id}"))))

    async def store_tokens(self, link_id: str, user_id: str, sealed: bytes,
                           access_expires_at: datetime, now: datetime) -> None:
        await self.conn.execute(delete(bank_tokens).where(bank_tokens.c.link_id == link_id))
        await self.conn.execute(insert(bank_tokens).values(
            link_id=link_id, user_id=user_id, sealed_tokens=sealed,
            access_expires_at=access_expires_at, updated_at=now))

    async def lock_link(self, link_id: str) -> None:
        """Hold the link's row until this transaction ends (PostgreSQL `FOR UPDATE`)."""
        await self.conn.execute(select(bank_links.c.id).where(bank_links.c.id == link_id)
                                .with_for_update())

    async def sealed_tokens(self, link_id: str) -> bytes | None:
        value = await self.conn.scalar(select(bank_tokens.c.sealed_tokens).where(
            bank_tokens.c.link_id == link_id))
        return bytes(value) if value is not None else None

    async def delete_tokens(self, link_id: str) -> None:
        await self.conn.execute(delete(bank_tokens).where(bank_tokens.c.link_id == link_id))

    async def delete_cache_of(self, user_id: str) -> None:
        await self.conn.execute(delete(cached_bank_data).where(
            cached_bank_data.c.user_id == user_id))

    async def put_cache(self, user_id: str, key: str, sealed: bytes, now: datetime) -> None:
        await self.conn.execute(delete(cached_bank_data).where(
            cached_bank_data.c.user_id == user_id, cached_bank_data.c.cache_key == key))
        await self.conn.execute(insert(cached_bank_data).values(
            user_id=user_id, cache_key=key, sealed_value=sealed, fetched_at=now))

    async def get_cache(self, user_id: str, key: str) -> tuple[bytes, datetime] | None:
        row = (await self.conn.execute(select(cached_bank_data).where(
            cached_bank_data.c.user_id == user_id, cached_bank_data.c.cache_key == key))).first()
        return (bytes(row.sealed_value), as_utc(row.fetched_at)) if row else None
