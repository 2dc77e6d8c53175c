"""Sending, editing, deleting and reacting to messages; receipts, typing and catch-up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chatbank.core.clock import Clock
from chatbank.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from chatbank.messenger.adapters.send_path import PostOutcome, PostRequest
from chatbank.messenger.cards import CardRegistry
from chatbank.messenger.model import (
    Event,
    EventKind,
    Message,
    Role,
    check_client_id,
    check_emoji,
    clean_text,
)
from chatbank.messenger.ports import EventPublisher, MessageObserver, MessageWriter
from chatbank.messenger.services.accounts import AuthContext
from chatbank.messenger.services.events import (
    Outbox,
    append_event,
    load_membership,
    message_as_event,
    message_new_event,
)
from chatbank.messenger.unit_of_work import MessengerStore, Transaction

EDIT_WINDOW = timedelta(hours=24)
MAX_PAGE = 200


class Messages:
    """Use cases for the messages of a conversation."""

    def __init__(self, store: MessengerStore, clock: Clock, publisher: EventPublisher,
                 cards: CardRegistry, max_chars: int, writer: MessageWriter) -> None:
        self.writer = writer
        self.observers: list[MessageObserver] = []
        self.store = store
        self.clock = clock
        self.publisher = publisher
        self.cards = cards
        self.max_chars = max_chars

    async def _flush(self, outbox: Outbox) -> None:
        for recipients, wire in outbox.items:
            await self.publisher.publish(recipients, wire)

    async def send(self, auth: AuthContext, conversation_id: str, client_id: str,
                   text: str | None = None, card: tuple[str, Any] | None = None,
                   reply_to_id: str | None = None) -> tuple[Message, bool]:
        """Post a message; a retry with the same client id returns the original (created=False)."""
        outcome = await self.send_rendered(auth, conversation_id, client_id, text, card,
                                           reply_to_id)
        return outcome.message, outcome.created

    async def send_rendered(self, auth: AuthContext, conversation_id: str, client_id: str,
                            text: str | None = None, card: tuple[str, Any] | None = None,
                            reply_to_id: str | None = None) -> PostOutcome:
        """`send`, with the message's wire form already encoded (the socket's ack reuses it)."""
        return await self._post(auth.user.id, conversation_id, client_id, text, card,
                                reply_to_id, by_user=not auth.user.is_bot)

    async def post(self, sender_id: str, conversation_id: str, client_id: str,
                   text: str | None, card: tuple[str, Any] | None, reply_to_id: str | None,
                   *, by_user: bool = False) -> tuple[Message, bool]:
        """Post as `sender_id` (services and bots use this directly for their cards)."""
        outcome = await self._post(sender_id, conversation_id, client_id, text, card,
                                   reply_to_id, by_user=by_user)
        return outcome.message, outcome.created

    async def _post(self, sender_id: str, conversation_id: str, client_id: str,
                    text: str | None, card: tuple[str, Any] | None, reply_to_id: str | None,
                    *, by_user: bool) -> PostOutcome:
        check_client_id(client_id)
        if text is None and card is None:
            raise InvalidInput("empty_message", "A message needs text or a card.")
        clean = clean_text(text, self.max_chars) if text is not None else None
        card_kind, payload = (None, None) if card is None else (
            card[0], self.cards.validate(card[0], card[1], by_user=by_user))
        outcome = await self.writer.post(PostRequest(sender_id, conversation_id, client_id, clean,
                                                     card_kind, payload, reply_to_id))
        if outcome.created:
            event, event_text = message_new_event(outcome.message, outcome.wire,
                                                  outcome.wire_json)
            await self.publisher.publish(outcome.recipients, event, event_text)
            for observer in self.observers:
                observer.message_posted(outcome.message, outcome.recipients)
        return outcome

    async def _own_message(self, tx: Transaction, auth: AuthContext,
                           message_id: str) -> tuple[Message, Role]:
        message = await tx.conversations.message(message_id)
        if message is None:
            raise NotFound("message_not_found", "No such message.")
        _conv, me = await load_membership(tx, auth.user.id, message.conversation_id)
        if message.seq < me.joined_seq:
            raise NotFound("message_not_found", "No such message.")
        if message.deleted_at is not None:
            raise Conflict("message_deleted", "This message was deleted.")
        return message, me.role

    async def edit(self, auth: AuthContext, message_id: str, text: str) -> Message:
        clean = clean_text(text, self.max_chars)
        outbox = Outbox()
        async with self.store.transaction() as tx:
            message, _role = await self._own_message(tx, auth, message_id)
            if message.sender_id != auth.user.id:
                raise Forbidden("not_sender", "You can edit only your own messages.")
            if message.text is None:
                raise InvalidInput("not_editable", "Cards cannot be edited.")
            now = self.clock.now()
            if now - message.created_at > EDIT_WINDOW:
                raise Forbidden("edit_window_passed", "Messages can be edited for 24 hours.")
            await tx.conversations.update_message(message_id, text=clean, edited_at=now)
            await append_event(tx, outbox, message.conversation_id, EventKind.MESSAGE_EDITED,
                               auth.user.id, {"message_id": message_id, "text": clean,
                                              "edited_at": now.isoformat()}, now)
            updated = await tx.conversations.message(message_id)
        await self._flush(outbox)
        assert updated is not None
        return updated

    async def delete(self, auth: AuthContext, message_id: str) -> None:
        """Delete for everyone: the sender, or a group admin."""
        outbox = Outbox()
        async with self.store.transaction() as tx:
            message, role = await self._own_message(tx, auth, message_id)
            if message.sender_id != auth.user.id and role is not Role.ADMIN:
                raise Forbidden("not_sender", "You can delete only your own messages.")
            now = self.clock.now()
            await tx.conversations.update_message(message_id, deleted_at=now, text=None,
                                                  card_payload=None)
            await tx.conversations.scrub_edits(message.conversation_id, message_id, message.seq)
            await append_event(tx, outbox, message.conversation_id, EventKind.MESSAGE_DELETED,
                               auth.user.id, {"message_id": message_id}, now)
        await self._flush(outbox)

    async def react(self, auth: AuthContext, message_id: str, emoji: str, add: bool) -> None:
        emoji = check_emoji(emoji)
        outbox = Outbox()
        async with self.store.transaction() as tx:
            message, _role = await self._own_message(tx, auth, message_id)
            now = self.clock.now()
            if add:
                changed = await tx.conversations.add_reaction(message_id, auth.user.id, emoji, now)
            else:
                changed = await tx.conversations.remove_reaction(message_id, auth.user.id, emoji)
            if changed:
                kind = EventKind.REACTION_ADDED if add else EventKind.REACTION_REMOVED
                await append_event(tx, outbox, message.conversation_id, kind, auth.user.id,
                                   {"message_id": message_id, "emoji": emoji,
                                    "user_id": auth.user.id}, now)
        await self._flush(outbox)

    async def update_card(self, actor_id: str, message_id: str, payload: dict[str, Any]) -> None:
        """Replace a card's payload (e.g. a payment moving to `completed`) and tell members."""
        outbox = Outbox()
        async with self.store.transaction() as tx:
            message = await tx.conversations.message(message_id)
            if message is None or message.card_kind is None:
                raise NotFound("message_not_found", "No such card.")
            clean = self.cards.validate(message.card_kind, payload, by_user=False)
            await tx.conversations.update_message(message_id, card_payload=clean)
            await append_event(tx, outbox, message.conversation_id, EventKind.CARD_UPDATED,
                               actor_id, {"message_id": message_id, "card": {
                                   "kind": message.card_kind, "payload": clean}},
                               self.clock.now())
        await self._flush(outbox)

    async def history(self, auth: AuthContext, conversation_id: str, before_seq: int | None,
                      limit: int) -> list[Message]:
        """A page of messages, oldest first, ending before `before_seq` (newest by default)."""
        limit = max(1, min(limit, MAX_PAGE))
        async with self.store.transaction() as tx:
            _conv, me = await load_membership(tx, auth.user.id, conversation_id)
            return await tx.conversations.history(conversation_id, me.joined_seq - 1, before_seq,
                                                  limit)

    async def events_since(self, user_id: str, conversation_id: str, after_seq: int,
                           limit: int = 500) -> list[Event]:
        """Events the member has not seen yet, in order (used to resume a connection).

        The log is two tables: messages are their own `message.new` events, every other kind is
        stored as an event. Each source's first `limit` after the cursor hold the merged first
        `limit`, since sequence numbers are unique across both.
        """
        async with self.store.transaction() as tx:
            _conv, me = await load_membership(tx, user_id, conversation_id)
            stored = await tx.conversations.events_after(conversation_id, after_seq, limit,
                                                         visible_from=me.joined_seq)
            sent = await tx.conversations.messages_after(
                conversation_id, max(after_seq, me.joined_seq - 1), limit)
        merged = sorted([*stored, *map(message_as_event, sent)], key=lambda e: e.seq)
        return merged[:limit]

    async def mark(self, auth: AuthContext, conversation_id: str, seq: int, *, read: bool) -> None:
        """Move the caller's read (or delivered) marker forward and tell the other members."""
        column = "last_read_seq" if read else "last_delivered_seq"
        async with self.store.transaction() as tx:
            conversation, _me = await load_membership(tx, auth.user.id, conversation_id)
            seq = max(0, min(seq, conversation.last_seq))
            moved = await tx.conversations.advance_receipt(conversation_id, auth.user.id,
                                                           column, seq)
            if read and moved:
                await tx.conversations.advance_receipt(conversation_id, auth.user.id,
                                                       "last_delivered_seq", seq)
            recipients = [m.user_id for m in await tx.conversations.active_members(
                conversation_id)]
        if moved:
            await self.publisher.publish(recipients, {
                "type": "receipt", "conversation_id": conversation_id, "user_id": auth.user.id,
                "read" if read else "delivered": seq})

    async def typing(self, auth: AuthContext, conversation_id: str) -> None:
        async with self.store.transaction() as tx:
            await load_membership(tx, auth.user.id, conversation_id)
            recipients = [m.user_id for m in await tx.conversations.active_members(
                conversation_id) if m.user_id != auth.user.id]
        await self.publisher.publish(recipients, {
            "type": "typing", "conversation_id": conversation_id, "user_id": auth.user.id})
