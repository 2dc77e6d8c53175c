"""SQL tables of the messenger context."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from chatbank.db.metadata import platform_metadata as md

UTCDateTime = DateTime(timezone=True)

users = Table(
    "users", md,
    Column("id", String(40), primary_key=True),
    Column("handle", String(32), nullable=False, unique=True),
    Column("display_name", String(64), nullable=False),
    Column("password_hash", String(255), nullable=True),
    Column("is_bot", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime, nullable=True),
)

sessions = Table(
    "sessions", md,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_sessions_user", "user_id"),
)

contacts = Table(
    "contacts", md,
    Column("owner_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

blocks = Table(
    "blocks", md,
    Column("blocker_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("blocked_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

conversations = Table(
    "conversations", md,
    Column("id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),  # direct | group
    Column("title", String(100), nullable=True),
    Column("direct_key", String(90), nullable=True, unique=True),
    Column("created_by", String(40), ForeignKey("users.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seq", Integer, nullable=False, default=0),
    Column("last_activity_at", UTCDateTime, nullable=False),
)

members = Table(
    "members", md,
    Column("conversation_id", String(40), ForeignKey("conversations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False),  # admin | member
    Column("joined_seq", Integer, nullable=False),
    Column("left_seq", Integer, nullable=True),
    Column("last_read_seq", Integer, nullable=False, default=0),
    Column("last_delivered_seq", Integer, nullable=False, default=0),
    Index("ix_members_user", "user_id"),
)

messages = Table(
    "messages", md,
    Column("id", String(40), primary_key=True),
    Column("conversation_id", String(40), ForeignKey("conversations.id", ondelete="CASCADE"),
           nullable=False),
    Column("seq", Integer, nullable=False),
    Column("sender_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("text", Text, nullable=True),
    Column("card_kind", String(40), nullable=True),
    Column("card_payload", JSON, nullable=True),
    Column("reply_to_id", String(40), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("edited_at", UTCDateTime, nullable=True),
    Column("deleted_at", UTCDateTime, nullable=True),
    UniqueConstraint("conversation_id", "seq"),
    UniqueConstraint("conversation_id", "sender_id", "client_id"),
)

reactions = Table(
    "reactions", md,
    Column("message_id", String(40), ForeignKey("messages.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("emoji", String(16), primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Every change in a conversation is an event with the conversation's next sequence number;
# a reconnecting client replays events after the last sequence it saw.
events = Table(
    "conversation_events", md,
    Column("conversation_id", String(40), ForeignKey("conversations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("actor_id", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
