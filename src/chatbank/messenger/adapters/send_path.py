"""The message-send transaction, written once against a small statement port.

It runs in two ways: batched in a dedicated thread on SQLite through the raw `sqlite3` cursor
(group commit, one thread hop per batch; SQLAlchemy's per-statement machinery cost more than
SQLite's own work here), and through `AsyncConnection.run_sync` with prepared SQLAlchemy text
statements elsewhere (PostgreSQL). Five or six statements per message: members (authorisation
and recipients in one query), the client-id lookup, the block check for direct chats, the
sequence bump, and two inserts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from chatbank.core.errors import Conflict, Forbidden, NotFound
from chatbank.core.ids import new_id
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


def _not_member() -> NotFound:
    return NotFound("conversation_not_found", "No such conversation, or you are not in it.")


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

    def insert(self, message: Message, event_payload: dict[str, Any]) -> None:
        """Insert the message and its `message.new` event (same sequence number)."""
        ...


def post_in_transaction(statements: SendStatements, req: PostRequest, now: datetime,
                        event_payload: Any) -> PostOutcome:
    """Store one message (or return the one already sent with this client id).

    `event_payload(message) -> dict` renders the `message.new` event's payload.
    Raises coded errors before writing anything, so a batch's transaction stays usable.
    """
    rows = statements.members(req.conversation_id)
    recipients = [user_id for _kind, user_id in rows]
    if req.sender_id not in recipients:
        raise _not_member()
    existing = statements.existing(req.conversation_id, req.sender_id, req.client_id)
    if existing is not None:
        if not existing.same_content(req.text, req.card_kind, req.card_payload, req.reply_to_id):
            raise Conflict("client_id_reused",
                           "This client_id was already used for a different message.")
        return PostOutcome(existing, False, recipients)
    others = [r for r in recipients if r != req.sender_id]
    if rows[0][0] == ConversationKind.DIRECT.value and others and statements.blocked(
            req.sender_id, others[0]):
        raise Forbidden("blocked", "You cannot message this person.")
    if req.reply_to_id is not None and statements.conversation_of(
            req.reply_to_id) != req.conversation_id:
        raise NotFound("reply_target_not_found", "The message you reply to is gone.")
    seq = statements.next_seq(req.conversation_id, now)
    message = Message(new_id("msg"), req.conversation_id, seq, req.sender_id, req.client_id,
                      req.text, req.card_kind, req.card_payload, req.reply_to_id, now, None, None)
    statements.insert(message, event_payload(message))
    return PostOutcome(message, True, recipients)
