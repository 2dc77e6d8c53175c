"""SQL tables of the payments context. Payer tokens and receiving accounts are stored sealed."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
)

from chatbank.db.metadata import platform_metadata as md

UTCDateTime = DateTime(timezone=True)

payments = Table(
    "payments", md,
    Column("id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("conversation_id", String(40), ForeignKey("conversations.id", ondelete="CASCADE"),
           nullable=False),
    Column("payer_id", String(40), nullable=False),
    Column("payee_id", String(40), nullable=False),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("note", String(140), nullable=False),
    Column("status", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("creditor", JSON, nullable=False),
    Column("creditor_last4", String(4), nullable=False),
    Column("creditor_bank_id", String(40), nullable=False),
    Column("split_id", String(40), nullable=True),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("message_id", String(40), nullable=True),
    Column("bank_id", String(40), nullable=True),
    Column("consent_id", String(128), nullable=True),
    Column("bank_payment_id", String(128), nullable=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("reason", String(300), nullable=True),
    Column("sealed_token", LargeBinary, nullable=True),
    # Outbox: a token set with every state change, cleared once the card (and receipt) show it.
    Column("card_due", String(32), nullable=True),
    Index("ix_payments_conversation", "conversation_id", "created_at"),
    Index("ix_payments_payer", "payer_id", "created_at"),
    Index("ix_payments_payee", "payee_id", "created_at"),
    Index("ix_payments_status", "status"),
    Index("ix_payments_card_due", "card_due"),
)

payment_authorisations = Table(
    "payment_authorisations", md,
    Column("state_hash", String(64), primary_key=True),
    Column("payment_id", String(40), ForeignKey("payments.id", ondelete="CASCADE"),
           nullable=False),
    Column("user_id", String(40), nullable=False),
    Column("bank_id", String(40), nullable=False),
    Column("consent_id", String(128), nullable=False),
    Column("sealed_verifier", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime, nullable=True),
)

receiving_accounts = Table(
    "receiving_accounts", md,
    Column("user_id", String(40), ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("bank_id", String(40), nullable=False),
    Column("link_id", String(40), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("last4", String(4), nullable=False),
    Column("label", String(120), nullable=False),
    Column("sealed_account", LargeBinary, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)
