"""The message-send transaction, written once against a small statement port.

It runs in two ways: batched in a dedicated thread on SQLite through the raw `sqlite3` cursor
(group commit, one thread hop per batch; SQLAlchemy's per-statement machinery cost more than
SQLite's own work here), and through `AsyncConnection.run_sync` with prepared SQLAlchemy text
statements elsewhere (PostgreSQL). Four to six statements per message: members (authorisation
and recipients in one query), the client-id lookup, the block check for direct chats, the
reply target, the sequence bump, and the insert. The message row is also its `message.new`
event: catching up renders it from the row as it is now (see `Messages.events_since`).

The message's wire form (`message_to_wire`) is rendered and JSON-encoded once, here, and reused
for the live event and the ack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chatbank.core import fastjson
from chatbank.core.errors import Conflict, Forbidden, NotFound
from chatbank.core.ids import new_sortable_id
from chatbank.messenger.model import ConversationKind, Message


@dataclass(frozen=True, slots=True)
class PostRequest:
    sender_id: str
    conversation_id: str
    client_id: str
    text: str | None
    card_kind: str | None
    card_payload: dict[str, Any] | None
    reply_to_id: str | None


@dataclass(frozen=True, slots=True)
class PostOutcome:
    message: Message
    created: bool
    recipients: list[str]
    wire: dict[str, Any]  # the message as clients see it (`message.new` payload, ack)
    wire_json: str  # `wire` as compact JSON, encoded once


Renderer = Callable[[Message], dict[str, Any]]


def compact_json(value: Any) -> str:
    return fastjson.dumps(value)


def render_outcome(message: Message, created: bool, recipients: list[str],
             render: Renderer) -> PostOutcome:
    wire = render(message)
    return PostOutcome(message, created, recipients, wire, compact_json(wire))


def not_member() -> NotFound:
    return NotFound("conversation_not_found", "No such conversation, or you are not in it.")


def client_id_reused() -> Conflict:
    return Conflict("client_id_reused", "This client_id was already used for a different message.")


def blocked_error() -> Forbidden:
    return Forbidden("blocked", "You cannot message this person.")


def reply_target_gone() -> NotFound:
    return NotFound("reply_target_not_found", "The message you reply to is gone.")


def same_content(message: Message, req: PostRequest) -> bool:
    return message.same_content(req.text, req.card_kind, req.card_payload, req.reply_to_id)


class SendStatements(Protocol):
    """The reads and writes of one send, inside the caller's transaction."""

    def members(self, conversation_id: str) -> list[tuple[str, str]]:
        """(conversation kind, user id) for every active member."""
        ...

    def existing(self, conversation_id: str, sender_id: str, client_id: str) -> Message | None:
        ...

    def blocked(self, user_a: str, user_b: str) -> bool: ...

    def conversation_of(self, message_id: str) -> str | None: ...

    def next_seq(self, conversation_id: str, now: datetime) -> int: ...

    def insert(self, message: Message) -> None:
        """Insert the message: it is also its conversation's `message.new` event at its
        sequence number (no row of its own in `conversation_events`)."""
        ...


def post_in_transaction(statements: SendStatements, req: PostRequest, now: datetime,
                        render: Renderer) -> PostOutcome:
    """Store one message (or return the one already sent with this client id).

    `render(message) -> dict` gives the `message.new` event's payload (the wire form).
    Raises coded errors before writing anything, so a batch's transaction stays usable.
    """
    rows = statements.members(req.conversation_id)
    recipients = [user_id for _kind, user_id in rows]
    if req.sender_id not in recipients:
        raise not_member()
    existing = statements.existing(req.conversation_id, req.sender_id, req.client_id)
    if existing is not None:
        if not same_content(existing, req):
            raise client_id_reused()
        return render_outcome(existing, False, recipients, render)
    others = [r for r in recipients if r != req.sender_id]
    if rows[0][0] == ConversationKind.DIRECT.value and others and statements.blocked(
            req.sender_id, others[0]):
        raise blocked_error()
    if req.reply_to_id is not None and statements.conversation_of(
            req.reply_to_id) != req.conversation_id:
        raise reply_target_gone()
    seq = statements.next_seq(req.conversation_id, now)
    message = Message(new_sortable_id("msg"), req.conversation_id, seq, req.sender_id,
                      req.client_id, req.text, req.card_kind, req.card_payload, req.reply_to_id,
                      now, None, None)
    outcome = render_outcome(message, True, recipients, render)
    statements.insert(message)
    return outcome
