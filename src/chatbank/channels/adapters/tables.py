"""SQL tables of the channels context: identities, link tokens, deliveries in, messages out."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from chatbank.db.metadata import platform_metadata as md

UTCDateTime = DateTime(timezone=True)

channel_identities = Table(
    "channel_identities", md,
    Column("channel", String(16), primary_key=True),
    Column("external_id", String(64), primary_key=True),  # PSID or WhatsApp id (wa_id)
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    Column("linked_at", UTCDateTime, nullable=True),
    Column("read_watermark_ms", BigInteger, nullable=False, default=0),
    Column("last_seen_at", UTCDateTime, nullable=False),
)
Index("ix_channel_identities_user", channel_identities.c.user_id)

channel_link_tokens = Table(
    "channel_link_tokens", md,
    Column("token_hash", String(64), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("external_id", String(64), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

# Every webhook event once: (channel, event id) is unique, so a redelivery is a no-op.
channel_inbound = Table(
    "channel_inbound", md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("channel", String(16), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("sender_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("body", JSON, nullable=False),  # emptied once processed
    Column("sent_at_ms", BigInteger, nullable=False),  # the platform's timestamp
    Column("received_at", UTCDateTime, nullable=False),
    Column("done", Boolean, nullable=False, default=False),
    UniqueConstraint("channel", "event_id"),
)
Index("ix_channel_inbound_pending", channel_inbound.c.done, channel_inbound.c.sent_at_ms)

channel_outbox = Table(
    "channel_outbox", md,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("body", JSON, nullable=False),
    Column("status", String(16), nullable=False),  # pending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", String(200), nullable=True),
    Column("platform_message_id", String(200), nullable=True),
    Column("delivery", String(16), nullable=True),  # sent | delivered | read (WhatsApp statuses)
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_channel_outbox_due", channel_outbox.c.status, channel_outbox.c.next_attempt_at)
Index("ix_channel_outbox_platform_id", channel_outbox.c.platform_message_id)

channel_preferences = Table(
    "channel_preferences", md,
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("masked_amounts", Boolean, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
