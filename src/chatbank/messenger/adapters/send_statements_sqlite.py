"""The send statements on the raw `sqlite3` cursor, for the group-commit writer thread.

Values are stored exactly as SQLAlchemy stores them on SQLite (naive UTC text timestamps with
microseconds, JSON text), so every other reader sees the same rows.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from chatbank.messenger.model import Message

_MEMBERS = ("SELECT c.kind, m.user_id FROM conversations c JOIN members m"
            " ON m.conversation_id = c.id WHERE c.id = ? AND m.left_seq IS NULL")
_EXISTING = ("SELECT id, seq, text, card_kind, card_payload, reply_to_id, created_at,"
             " edited_at, deleted_at FROM messages"
             " WHERE conversation_id = ? AND sender_id = ? AND client_id = ?")
_BLOCKED = ("SELECT count(*) FROM blocks WHERE (blocker_id = ? AND blocked_id = ?)"
            " OR (blocker_id = ? AND blocked_id = ?)")
_NEXT_SEQ = ("UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = ?"
             " WHERE id = ? RETURNING last_seq")
# The insert as a prefix and one row's values: the batch path repeats the row for many rows.
INSERT_MESSAGE_PREFIX = ("INSERT INTO messages (id, conversation_id, seq, sender_id, client_id,"
                         " text, card_kind, card_payload, reply_to_id, created_at) VALUES ")
MESSAGE_ROW = "(?,?,?,?,?,?,?,?,?,?)"
_INSERT_MESSAGE = INSERT_MESSAGE_PREFIX + MESSAGE_ROW


def sqlite_timestamp(moment: datetime) -> str:
    """SQLAlchemy's SQLite DateTime text: UTC, no offset, microseconds."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None


def message_from_row(conversation_id: str, sender_id: str, client_id: str,
                     row: tuple[Any, ...]) -> Message:
    """A stored message from `(id, seq, text, card_kind, card_payload, reply_to_id, created_at,
    edited_at, deleted_at)`."""
    created = _moment(row[6])
    assert created is not None
    return Message(row[0], conversation_id, row[1], sender_id, client_id, row[2], row[3],
                   json.loads(row[4]) if row[4] is not None else None, row[5], created,
                   _moment(row[7]), _moment(row[8]))


class SqliteSendStatements:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.cursor = cursor
        self._stamped: tuple[datetime, str] | None = None

    def _stamp(self, moment: datetime) -> str:
        """`sqlite_timestamp`, computed once for a batch that shares one clock reading."""
        if self._stamped is None or self._stamped[0] is not moment:
            self._stamped = (moment, sqlite_timestamp(moment))
        return self._stamped[1]

    def members(self, conversation_id: str) -> list[tuple[str, str]]:
        return [(kind, user_id) for kind, user_id in
                self.cursor.execute(_MEMBERS, (conversation_id,)).fetchall()]

    def existing(self, conversation_id: str, sender_id: str, client_id: str) -> Message | None:
        row = self.cursor.execute(_EXISTING, (conversation_id, sender_id, client_id)).fetchone()
        return None if row is None else message_from_row(conversation_id, sender_id, client_id,
                                                         row)

    def blocked(self, user_a: str, user_b: str) -> bool:
        found = self.cursor.execute(_BLOCKED, (user_a, user_b, user_b, user_a)).fetchone()
        return bool(found[0])

    def conversation_of(self, message_id: str) -> str | None:
        row = self.cursor.execute("SELECT conversation_id FROM messages WHERE id = ?",
                                  (message_id,)).fetchone()
        return str(row[0]) if row else None

    def next_seq(self, conversation_id: str, now: datetime) -> int:
        row = self.cursor.execute(_NEXT_SEQ, (self._stamp(now), conversation_id)).fetchone()
        return int(row[0])

    def insert(self, message: Message) -> None:
        stamp = self._stamp(message.created_at)
        card = json.dumps(message.card_payload) if message.card_payload is not None else None
        self.cursor.execute(_INSERT_MESSAGE, (
            message.id, message.conversation_id, message.seq, message.sender_id,
            message.client_id, message.text, message.card_kind, card, message.reply_to_id,
            stamp))
