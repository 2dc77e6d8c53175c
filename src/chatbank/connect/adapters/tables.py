"""SQL tables of the connect context. Tokens are stored only sealed by the user's data key."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, LargeBinary, String, Table

from chatbank.db.metadata import platform_metadata as md

UTCDateTime = DateTime(timezone=True)

bank_links = Table(
    "bank_links", md,
    Column("id", String(40), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("bank_id", String(40), nullable=False),
    Column("consent_id", String(128), nullable=False),
    Column("purposes", JSON, nullable=False),
    Column("permissions", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("authorised_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("confirmed_at", UTCDateTime, nullable=True),
    Column("reconfirm_asked_at", UTCDateTime, nullable=True),
    Index("ix_bank_links_user", "user_id"),
)

link_attempts = Table(
    "link_attempts", md,
    Column("state_hash", String(64), primary_key=True),
    Column("link_id", String(40), ForeignKey("bank_links.id", ondelete="CASCADE"),
           nullable=False),
    Column("user_id", String(40), nullable=False),
    Column("sealed_verifier", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

bank_tokens = Table(
    "bank_tokens", md,
    Column("link_id", String(40), ForeignKey("bank_links.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", String(40), nullable=False),
    Column("sealed_tokens", LargeBinary, nullable=False),
    Column("access_expires_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

cached_bank_data = Table(
    "cached_bank_data", md,
    Column("user_id", String(40), primary_key=True),
    Column("cache_key", String(200), primary_key=True),
    Column("sealed_value", LargeBinary, nullable=False),
    Column("fetched_at", UTCDateTime, nullable=False),
)
