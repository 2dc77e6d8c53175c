"""The channels repository on the platform database (SQLite or PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.channels.adapters.tables import (
    channel_identities as ids,
)
from chatbank.channels.adapters.tables import (
    channel_inbound as inbound,
)
from chatbank.channels.adapters.tables import (
    channel_link_tokens as tokens,
)
from chatbank.channels.adapters.tables import (
    channel_outbox as outbox,
)
from chatbank.channels.adapters.tables import (
    channel_preferences as prefs,
)
from chatbank.channels.model import Channel, InboundEvent, later_delivery
from chatbank.db.upsert import insert_if_absent


@dataclass(frozen=True, slots=True)
class PendingEvent:
    id: int
    channel: Channel
    sender_id: str
    kind: str
    body: dict[str, Any]
    sent_at_ms: int


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    channel: Channel
    recipient: str
    body: dict[str, Any]
    attempts: int


class SqlChannels:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def record_event(self, event: InboundEvent, now: datetime) -> bool:
        """Store the event unless its id was seen before; returns whether it is new."""
        return await insert_if_absent(
            self.conn, inbound, channel=event.channel.value, event_id=event.event_id[:200],
            sender_id=event.sender_id[:64], kind=event.kind.value, body=event.body(),
            sent_at_ms=event.sent_at_ms, received_at=now, done=False)

    async def pending_events(self, limit: int) -> list[PendingEvent]:
        """Unprocessed events, oldest by the platform's own timestamp first."""
        rows = await self.conn.execute(select(inbound).where(inbound.c.done.is_(False)).order_by(
            inbound.c.sent_at_ms, inbound.c.id).limit(limit))
        return [PendingEvent(r.id, Channel(r.channel), r.sender_id, r.kind, dict(r.body),
                             r.sent_at_ms) for r in rows]

    async def finish_event(self, event_id: int) -> bool:
        """Mark processed (and forget the text); False if another worker got there first."""
        result = await self.conn.execute(update(inbound).where(and_(
            inbound.c.id == event_id, inbound.c.done.is_(False))).values(done=True, body={}))
        return bool(result.rowcount)

    async def event_sender(self, event_id: int) -> tuple[Channel, str] | None:
        row = (await self.conn.execute(select(inbound.c.channel, inbound.c.sender_id).where(
            inbound.c.id == event_id))).first()
        return (Channel(row.channel), row.sender_id) if row else None

    async def identity_user(self, channel: Channel, external_id: str) -> str | None:
        row = (await self.conn.execute(select(ids.c.user_id).where(and_(
            ids.c.channel == channel.value, ids.c.external_id == external_id)))).first()
        return row.user_id if row else None

    async def touch_identity(self, channel: Channel, external_id: str, now: datetime) -> None:
        if not await insert_if_absent(self.conn, ids, channel=channel.value,
                                      external_id=external_id, user_id=None, linked_at=None,
                                      read_watermark_ms=0, last_seen_at=now):
            await self.conn.execute(update(ids).where(and_(
                ids.c.channel == channel.value, ids.c.external_id == external_id)).values(
                last_seen_at=now))

    async def raise_read_watermark(self, channel: Channel, external_id: str,
                                   watermark_ms: int) -> bool:
        """Move the watermark forward only: a late, older read changes nothing."""
        result = await self.conn.execute(update(ids).where(and_(
            ids.c.channel == channel.value, ids.c.external_id == external_id,
            ids.c.read_watermark_ms < watermark_ms)).values(read_watermark_ms=watermark_ms))
        return bool(result.rowcount)

    async def read_watermark(self, channel: Channel, external_id: str) -> int:
        row = (await self.conn.execute(select(ids.c.read_watermark_ms).where(and_(
            ids.c.channel == channel.value, ids.c.external_id == external_id)))).first()
        return int(row.read_watermark_ms) if row else 0

    async def save_link_token(self, token_hash: str, channel: Channel, external_id: str,
                              expires_at: datetime) -> None:
        await self.conn.execute(tokens.insert().values(
            token_hash=token_hash, channel=channel.value, external_id=external_id,
            expires_at=expires_at, used_at=None))

    async def peek_link_token(self, token_hash: str, now: datetime
                              ) -> tuple[Channel, str] | None:
        """The identity an unused, unexpired token is for (without using it)."""
        row = (await self.conn.execute(select(tokens.c.channel, tokens.c.external_id).where(and_(
            tokens.c.token_hash == token_hash, tokens.c.used_at.is_(None),
            tokens.c.expires_at > now)))).first()
        return (Channel(row.channel), row.external_id) if row else None

    async def fresh_link_token_exists(self, channel: Channel, external_id: str,
                                      expiring_after: datetime) -> bool:
        """Whether an unused token for this chat expires after `expiring_after` (a recent one)."""
        row = (await self.conn.execute(select(tokens.c.token_hash).where(and_(
            tokens.c.channel == channel.value, tokens.c.external_id == external_id,
            tokens.c.used_at.is_(None), tokens.c.expires_at > expiring_after)).limit(1))).first()
        return row is not None

    async def use_link_token(self, token_hash: str, now: datetime) -> tuple[Channel, str] | None:
        """The identity the token was made for, once, before it expires."""
        result = await self.conn.execute(update(tokens).where(and_(
            tokens.c.token_hash == token_hash, tokens.c.used_at.is_(None),
            tokens.c.expires_at > now)).values(used_at=now))
        if not result.rowcount:
            return None
        row = (await self.conn.execute(select(tokens.c.channel, tokens.c.external_id).where(
            tokens.c.token_hash == token_hash))).one()
        return Channel(row.channel), row.external_id

    async def link_identity(self, channel: Channel, external_id: str, user_id: str | None,
                            now: datetime) -> None:
        await self.touch_identity(channel, external_id, now)
        await self.conn.execute(update(ids).where(and_(
            ids.c.channel == channel.value, ids.c.external_id == external_id)).values(
            user_id=user_id, linked_at=now if user_id else None))

    async def identities_of(self, user_id: str) -> list[tuple[Channel, str, datetime]]:
        rows = await self.conn.execute(select(ids.c.channel, ids.c.external_id, ids.c.linked_at)
                                       .where(ids.c.user_id == user_id).order_by(ids.c.channel))
        return [(Channel(r.channel), r.external_id, r.linked_at) for r in rows]

    async def enqueue(self, dedupe_key: str, channel: Channel, recipient: str,
                      body: dict[str, Any], now: datetime) -> bool:
        return await insert_if_absent(
            self.conn, outbox, dedupe_key=dedupe_key[:200], channel=channel.value,
            recipient=recipient, body=body, status="pending", attempts=0, next_attempt_at=now,
            last_error=None, platform_message_id=None, delivery=None, created_at=now)

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Pending sends whose time has come, oldest first, at most one per recipient."""
        first = (select(func.min(outbox.c.id)).where(outbox.c.status == "pending")
                 .group_by(outbox.c.channel, outbox.c.recipient))
        rows = await self.conn.execute(select(outbox).where(and_(
            outbox.c.id.in_(first), outbox.c.next_attempt_at <= now)).order_by(
            outbox.c.id).limit(limit))
        return [OutboxItem(r.id, Channel(r.channel), r.recipient, dict(r.body), r.attempts)
                for r in rows]

    async def next_due_at(self) -> datetime | None:
        due: datetime | None = (await self.conn.execute(select(func.min(
            outbox.c.next_attempt_at)).where(outbox.c.status == "pending"))).scalar()
        return due

    async def claim(self, item: OutboxItem, now: datetime, lease_until: datetime) -> bool:
        """Take a due send for this instance (another instance's claim makes this False)."""
        result = await self.conn.execute(update(outbox).where(and_(
            outbox.c.id == item.id, outbox.c.status == "pending",
            outbox.c.attempts == item.attempts, outbox.c.next_attempt_at <= now)).values(
            next_attempt_at=lease_until))
        return bool(result.rowcount)

    async def settle(self, item_id: int, **values: Any) -> None:
        await self.conn.execute(update(outbox).where(outbox.c.id == item_id).values(**values))

    async def advance_delivery(self, platform_message_id: str, reported: str) -> bool:
        row = (await self.conn.execute(select(outbox.c.id, outbox.c.delivery).where(
            outbox.c.platform_message_id == platform_message_id))).first()
        if row is None or not later_delivery(row.delivery, reported):
            return False
        unchanged = (outbox.c.delivery.is_(None) if row.delivery is None
                     else outbox.c.delivery == row.delivery)  # compare-and-set
        result = await self.conn.execute(update(outbox).where(and_(
            outbox.c.id == row.id, unchanged)).values(delivery=reported))
        return bool(result.rowcount)

    async def masked_amounts(self, user_id: str) -> bool:
        row = (await self.conn.execute(select(prefs.c.masked_amounts).where(
            prefs.c.user_id == user_id))).first()
        return bool(row.masked_amounts) if row else False

    async def set_masked_amounts(self, user_id: str, masked: bool, now: datetime) -> None:
        if not await insert_if_absent(self.conn, prefs, user_id=user_id, masked_amounts=masked,
                                      updated_at=now):
            await self.conn.execute(update(prefs).where(prefs.c.user_id == user_id).values(
                masked_amounts=masked, updated_at=now))
