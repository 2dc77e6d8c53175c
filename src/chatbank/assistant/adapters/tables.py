"""The assistant's dialogue state, one row per conversation (survives restarts)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, String, Table

from chatbank.db.metadata import platform_metadata as md

assistant_states = Table(
    "assistant_states", md,
    Column("conversation_id", String(40), ForeignKey("conversations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", String(40), nullable=False),
    Column("state", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
