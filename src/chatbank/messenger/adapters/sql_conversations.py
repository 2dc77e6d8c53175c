"""SQL repository for conversations, members, messages, reactions and the event log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.core.clock import as_utc
from chatbank.db.upsert import insert_if_absent
from chatbank.messenger.adapters.tables import (
    conversations,
    events,
    members,
    messages,
    reactions,
)
from chatbank.messenger.model import (
    Conversation,
    ConversationKind,
    Event,
    EventKind,
    Member,
    Message,
    Role,
)


def _conversation(row: Any) -> Conversation:
    return Conversation(
        id=row.id, kind=ConversationKind(row.kind), title=row.title, created_by=row.created_by,
        created_at=as_utc(row.created_at), last_seq=row.last_seq,
        last_activity_at=as_utc(row.last_activity_at),
    )


def _member(row: Any) -> Member:
    return Member(
        conversation_id=row.conversation_id, user_id=row.user_id, role=Role(row.role),
        joined_seq=row.joined_seq, left_seq=row.left_seq, last_read_seq=row.last_read_seq,
        last_delivered_seq=row.last_delivered_seq,
    )


def row_to_message(row: Any, reaction_map: dict[str, list[str]] | None = None) -> Message:
    return Message(
        id=row.id, conversation_id=row.conversation_id, seq=row.seq, sender_id=row.sender_id,
        client_id=row.client_id, text=row.text, card_kind=row.card_kind,
        card_payload=row.card_payload, reply_to_id=row.reply_to_id,
        created_at=as_utc(row.created_at),
        edited_at=as_utc(row.edited_at) if row.edited_at else None,
        deleted_at=as_utc(row.deleted_at) if row.deleted_at else None,
        reactions=reaction_map or {},
    )


def _event(row: Any) -> Event:
    return Event(
        conversation_id=row.conversation_id, seq=row.seq, kind=row.kind, actor_id=row.actor_id,
        payload=row.payload, created_at=as_utc(row.created_at),
    )


UNREAD_CAP = 100


class SqlConversations:
    """Conversation state and its append-only event log, on one open transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def insert_conversation(self, conv: Conversation, direct_key: str | None) -> None:
        await self.conn.execute(insert(conversations).values(
            id=conv.id, kind=conv.kind.value, title=conv.title, direct_key=direct_key,
            created_by=conv.created_by, created_at=conv.created_at, last_seq=conv.last_seq,
            last_activity_at=conv.last_activity_at,
        ))

    async def conversation(self, conversation_id: str) -> Conversation | None:
        row = (await self.conn.execute(
            select(conversations).where(conversations.c.id == conversation_id))).first()
        return _conversation(row) if row else None

    async def conversation_by_direct_key(self, key: str) -> Conversation | None:
        row = (await self.conn.execute(
            select(conversations).where(conversations.c.direct_key == key))).first()
        return _conversation(row) if row else None

    async def set_title(self, conversation_id: str, title: str) -> None:
        await self.conn.execute(update(conversations)
                                .where(conversations.c.id == conversation_id).values(title=title))

    async def next_seq(self, conversation_id: str, now: datetime) -> int:
        """Allocate the conversation's next sequence number (row-locked on PostgreSQL)."""
        seq = await self.conn.scalar(
            update(conversations).where(conversations.c.id == conversation_id)
            .values(last_seq=conversations.c.last_seq + 1, last_activity_at=now)
            .returning(conversations.c.last_seq)
        )
        assert seq is not None
        return int(seq)

    async def conversations_of(self, user_id: str, limit: int) -> list[tuple[Conversation, Member]]:
        rows = await self.conn.execute(
            select(conversations, members.c.role, members.c.joined_seq, members.c.left_seq,
                   members.c.last_read_seq, members.c.last_delivered_seq,
                   members.c.user_id, members.c.conversation_id)
            .join(members, members.c.conversation_id == conversations.c.id)
            .where(members.c.user_id == user_id, members.c.left_seq.is_(None))
            .order_by(conversations.c.last_activity_at.desc()).limit(limit)
        )
        return [(_conversation(r), _member(r)) for r in rows]

    async def unread_counts(self, user_id: str, conversation_ids: list[str]) -> dict[str, int]:
        """Unread messages per conversation, counted up to `UNREAD_CAP` (shown as "99+").

        Capped so the conversation list costs the same however much history is unread
        (uncapped it grew to 377 ms for 300,000 unread messages; docs/performance.md).
        """
        counts: dict[str, int] = {}
        for conversation_id in conversation_ids:
            unread = (
                select(messages.c.seq)
                .join(members, and_(members.c.conversation_id == messages.c.conversation_id,
                                    members.c.user_id == user_id))
                .where(messages.c.conversation_id == conversation_id,
                       messages.c.seq > members.c.last_read_seq,
                       messages.c.sender_id != user_id, messages.c.deleted_at.is_(None))
                .limit(UNREAD_CAP).subquery())
            found = await self.conn.scalar(select(func.count()).select_from(unread))
            if found:
                counts[conversation_id] = int(found)
        return counts

    async def insert_member(self, member: Member) -> None:
        await self.conn.execute(insert(members).values(
            conversation_id=member.conversation_id, user_id=member.user_id,
            role=member.role.value, joined_seq=member.joined_seq, left_seq=member.left_seq,
            last_read_seq=member.last_read_seq, last_delivered_seq=member.last_delivered_seq,
        ))

    async def rejoin_member(self, conversation_id: str, user_id: str, seq: int) -> None:
        await self.conn.execute(update(members).where(
            members.c.conversation_id == conversation_id, members.c.user_id == user_id
        ).values(left_seq=None, joined_seq=seq, role=Role.MEMBER.value, last_read_seq=seq))

    async def member(self, conversation_id: str, user_id: str) -> Member | None:
        row = (await self.conn.execute(select(members).where(
            members.c.conversation_id == conversation_id, members.c.user_id == user_id))).first()
        return _member(row) if row else None

    async def active_members(self, conversation_id: str) -> list[Member]:
        rows = await self.conn.execute(select(members).where(
            members.c.conversation_id == conversation_id, members.c.left_seq.is_(None)))
        return [_member(r) for r in rows]

    async def set_left(self, conversation_id: str, user_id: str, seq: int) -> None:
        await self.conn.execute(update(members).where(
            members.c.conversation_id == conversation_id, members.c.user_id == user_id
        ).values(left_seq=seq))

    async def set_role(self, conversation_id: str, user_id: str, role: Role) -> None:
        await self.conn.execute(update(members).where(
            members.c.conversation_id == conversation_id, members.c.user_id == user_id
        ).values(role=role.value))

    async def advance_receipt(self, conversation_id: str, user_id: str, column: str,
                              seq: int) -> bool:
        """Move a read/delivered marker forward only; returns whether it moved."""
        col = members.c[column]
        result = await self.conn.execute(update(members).where(
            members.c.conversation_id == conversation_id, members.c.user_id == user_id, col < seq
        ).values({column: seq}))
        return bool(result.rowcount)

    async def insert_message(self, message: Message) -> None:
        await self.conn.execute(insert(messages).values(
            id=message.id, conversation_id=message.conversation_id, seq=message.seq,
            sender_id=message.sender_id, client_id=message.client_id, text=message.text,
            card_kind=message.card_kind, card_payload=message.card_payload,
            reply_to_id=message.reply_to_id, created_at=message.created_at,
        ))

    async def message(self, message_id: str) -> Message | None:
        row = (await self.conn.execute(select(messages).where(messages.c.id == message_id))).first()
        if row is None:
            return None
        return row_to_message(row, (await self._reactions([message_id])).get(message_id))

    async def message_by_client_id(self, conversation_id: str, sender_id: str,
                                   client_id: str) -> Message | None:
        row = (await self.conn.execute(select(messages).where(
            messages.c.conversation_id == conversation_id, messages.c.sender_id == sender_id,
            messages.c.client_id == client_id))).first()
        return row_to_message(row) if row else None

    async def update_message(self, message_id: str, **values: Any) -> None:
        await self.conn.execute(update(messages).where(messages.c.id == message_id).values(values))

    async def history(self, conversation_id: str, after_seq: int, before_seq: int | None,
                      limit: int) -> list[Message]:
        """Messages with after_seq < seq < before_seq, newest `limit`, returned oldest first."""
        query = select(messages).where(messages.c.conversation_id == conversation_id,
                                       messages.c.seq > after_seq)
        if before_seq is not None:
            query = query.where(messages.c.seq < before_seq)
        rows = list(await self.conn.execute(query.order_by(messages.c.seq.desc()).limit(limit)))
        reaction_map = await self._reactions([r.id for r in rows])
        return [row_to_message(r, reaction_map.get(r.id)) for r in reversed(rows)]

    async def add_reaction(self, message_id: str, user_id: str, emoji: str, now: datetime) -> bool:
        return await insert_if_absent(self.conn, reactions, message_id=message_id,
                                      user_id=user_id, emoji=emoji, created_at=now)

    async def remove_reaction(self, message_id: str, user_id: str, emoji: str) -> bool:
        result = await self.conn.execute(delete(reactions).where(
            reactions.c.message_id == message_id, reactions.c.user_id == user_id,
            reactions.c.emoji == emoji))
        return bool(result.rowcount)

    async def _reactions(self, message_ids: list[str]) -> dict[str, dict[str, list[str]]]:
        if not message_ids:
            return {}
        rows = await self.conn.execute(select(reactions).where(
            reactions.c.message_id.in_(message_ids)).order_by(reactions.c.created_at))
        found: dict[str, dict[str, list[str]]] = {}
        for r in rows:
            found.setdefault(r.message_id, {}).setdefault(r.emoji, []).append(r.user_id)
        return found

    async def insert_event(self, event: Event) -> None:
        await self.conn.execute(insert(events).values(
            conversation_id=event.conversation_id, seq=event.seq, kind=event.kind,
            actor_id=event.actor_id, payload=event.payload, created_at=event.created_at,
        ))

    async def events_after(self, conversation_id: str, after_seq: int, limit: int,
                           visible_from: int = 0) -> list[Event]:
        """Stored events after `after_seq`, oldest first: every kind but `message.new`, whose
        record is the message itself (`messages_after`)."""
        rows = await self.conn.execute(select(events).where(
            events.c.conversation_id == conversation_id,
            events.c.seq > max(after_seq, visible_from - 1),
            events.c.kind != EventKind.MESSAGE_NEW.value).order_by(events.c.seq).limit(limit))
        return [_event(r) for r in rows]

    async def messages_after(self, conversation_id: str, after_seq: int,
                             limit: int) -> list[Message]:
        """Messages with seq > after_seq, oldest first, as they are now."""
        rows = list(await self.conn.execute(select(messages).where(
            messages.c.conversation_id == conversation_id, messages.c.seq > after_seq)
            .order_by(messages.c.seq).limit(limit)))
        reaction_map = await self._reactions([r.id for r in rows])
        return [row_to_message(r, reaction_map.get(r.id)) for r in rows]

    async def scrub_edits(self, conversation_id: str, message_id: str, from_seq: int) -> None:
        """Blank the text that `message.edited` events after `from_seq` carry for a message."""
        rows = await self.conn.execute(select(events.c.seq, events.c.payload).where(
            events.c.conversation_id == conversation_id, events.c.seq > from_seq,
            events.c.kind == EventKind.MESSAGE_EDITED.value,
            # In SQL (json_extract / ->>): only this message's edits reach Python.
            events.c.payload["message_id"].as_string() == message_id))
        for seq, payload in list(rows):
            if payload.get("text") is not None:
                await self.conn.execute(update(events).where(
                    events.c.conversation_id == conversation_id, events.c.seq == seq)
                    .values(payload={**payload, "text": None}))
