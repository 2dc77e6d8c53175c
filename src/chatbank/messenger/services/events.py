"""Appending to a conversation's event log and rendering events for the wire."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from chatbank.core import fastjson
from chatbank.core.errors import NotFound
from chatbank.messenger.model import Conversation, Event, EventKind, Member, Message
from chatbank.messenger.unit_of_work import Transaction


def message_to_wire(message: Message) -> dict[str, Any]:
    deleted = message.deleted_at is not None
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender_id": message.sender_id,
        "client_id": message.client_id,
        "text": None if deleted else message.text,
        "card": None if deleted or message.card_kind is None else {
            "kind": message.card_kind, "payload": message.card_payload},
        "reply_to_id": message.reply_to_id,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "reactions": message.reactions,
    }


def message_new_event(message: Message, wire: dict[str, Any],
                      wire_json: str) -> tuple[dict[str, Any], str]:
    """The live `message.new` event and its JSON text, around the message's encoded wire form.

    Same document as `json.dumps(event_to_wire(...))` of the stored event, without encoding the
    message a second time (nor its time: the wire form has it as text already).
    """
    created_at = wire["created_at"]
    event = {"type": "event", "conversation_id": message.conversation_id, "seq": message.seq,
             "kind": EventKind.MESSAGE_NEW.value, "actor_id": message.sender_id,
             "payload": wire, "created_at": created_at}
    text = (f'{{"type":"event","conversation_id":{fastjson.dumps(message.conversation_id)},'
            f'"seq":{message.seq:d},"kind":"{EventKind.MESSAGE_NEW.value}",'
            f'"actor_id":{fastjson.dumps(message.sender_id)},"payload":{wire_json},'
            f'"created_at":"{created_at}"}}')
    return event, text


def message_as_event(message: Message) -> Event:
    """A message as its conversation's `message.new` event, rendered from the message as it is
    now: a message deleted for everyone catches up without its text."""
    return Event(conversation_id=message.conversation_id, seq=message.seq,
                 kind=EventKind.MESSAGE_NEW.value, actor_id=message.sender_id,
                 payload=message_to_wire(message), created_at=message.created_at)


def event_to_wire(event: Event) -> dict[str, Any]:
    return {
        "type": "event",
        "conversation_id": event.conversation_id,
        "seq": event.seq,
        "kind": event.kind,
        "actor_id": event.actor_id,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
    }


@dataclass(slots=True)
class Outbox:
    """Events to publish once the transaction that wrote them has committed."""

    items: list[tuple[list[str], dict[str, Any]]] = field(default_factory=list)

    def add(self, recipients: list[str], wire: dict[str, Any]) -> None:
        self.items.append((recipients, wire))


async def append_event(tx: Transaction, outbox: Outbox, conversation_id: str, kind: str,
                       actor_id: str, payload: dict[str, Any], now: datetime,
                       extra_recipients: tuple[str, ...] = ()) -> Event:
    """Give the change the conversation's next sequence number, store it and queue it."""
    seq = await tx.conversations.next_seq(conversation_id, now)
    event = Event(conversation_id, seq, kind, actor_id, payload, now)
    await tx.conversations.insert_event(event)
    recipients = [m.user_id for m in await tx.conversations.active_members(conversation_id)]
    outbox.add(recipients + [r for r in extra_recipients if r not in recipients],
               event_to_wire(event))
    return event


async def load_membership(tx: Transaction, user_id: str,
                          conversation_id: str) -> tuple[Conversation, Member]:
    """The conversation and the caller's active membership, or `conversation_not_found`.

    Non-members get the same answer as for a missing conversation, so ids cannot be probed.
    """
    conversation = await tx.conversations.conversation(conversation_id)
    member = await tx.conversations.member(conversation_id, user_id) if conversation else None
    if conversation is None or member is None or not member.active:
        raise NotFound("conversation_not_found", "No such conversation, or you are not in it.")
    return conversation, member
