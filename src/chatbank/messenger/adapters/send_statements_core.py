"""The send statements as prepared SQLAlchemy text statements (PostgreSQL, any dialect)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, bindparam, select, text
from sqlalchemy.engine import Connection

from chatbank.messenger.adapters.sql_conversations import row_to_message
from chatbank.messenger.adapters.tables import messages
from chatbank.messenger.model import Message

# Built once: constructing and cache-keying Core statements per message cost ~10x the
# database's own work on this path (measured with cProfile).
_TS = DateTime(timezone=True)
_MEMBERS = text(
    "SELECT c.kind, m.user_id FROM conversations c JOIN members m"
    " ON m.conversation_id = c.id WHERE c.id = :conv AND m.left_seq IS NULL")
_EXISTING = select(messages).where(
    messages.c.conversation_id == bindparam("conv"), messages.c.sender_id == bindparam("sender"),
    messages.c.client_id == bindparam("client"))
_BLOCKED = text(
    "SELECT count(*) FROM blocks WHERE (blocker_id = :a AND blocked_id = :b)"
    " OR (blocker_id = :b AND blocked_id = :a)")
_REPLY_CONVERSATION = text("SELECT conversation_id FROM messages WHERE id = :id")
_NEXT_SEQ = text(
    "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = :now"
    " WHERE id = :conv RETURNING last_seq").bindparams(bindparam("now", type_=_TS))
_INSERT_MESSAGE = text(
    "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, text, card_kind,"
    " card_payload, reply_to_id, created_at) VALUES (:id, :conv, :seq, :sender, :client,"
    " :text, :card_kind, :card_payload, :reply_to, :now)").bindparams(
    bindparam("card_payload", type_=JSON), bindparam("now", type_=_TS))


class CoreSendStatements:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def members(self, conversation_id: str) -> list[tuple[str, str]]:
        rows = self.conn.execute(_MEMBERS, {"conv": conversation_id}).all()
        return [(r.kind, r.user_id) for r in rows]

    def existing(self, conversation_id: str, sender_id: str, client_id: str) -> Message | None:
        row = self.conn.execute(_EXISTING, {"conv": conversation_id, "sender": sender_id,
                                            "client": client_id}).first()
        return row_to_message(row) if row is not None else None

    def blocked(self, user_a: str, user_b: str) -> bool:
        return bool(self.conn.scalar(_BLOCKED, {"a": user_a, "b": user_b}))

    def conversation_of(self, message_id: str) -> str | None:
        found = self.conn.scalar(_REPLY_CONVERSATION, {"id": message_id})
        return str(found) if found is not None else None

    def next_seq(self, conversation_id: str, now: datetime) -> int:
        return int(self.conn.scalar(_NEXT_SEQ, {"now": now, "conv": conversation_id}) or 0)

    def insert(self, message: Message) -> None:
        self.conn.execute(_INSERT_MESSAGE, {
            "conv": message.conversation_id, "seq": message.seq, "sender": message.sender_id,
            "now": message.created_at, "id": message.id, "client": message.client_id,
            "text": message.text, "card_kind": message.card_kind,
            "card_payload": message.card_payload, "reply_to": message.reply_to_id})
