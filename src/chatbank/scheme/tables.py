"""The scheme's own database: one row per payment, which is also the delivery outbox."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from chatbank.db.metadata import NAMING_CONVENTION

scheme_metadata = MetaData(naming_convention=NAMING_CONVENTION)
UTCDateTime = DateTime(timezone=True)
Amount = BigInteger().with_variant(Integer(), "sqlite")

scheme_payments = Table(
    "scheme_payments", scheme_metadata,
    Column("payment_id", String(64), primary_key=True),
    Column("payer_bank", String(40), nullable=False),
    Column("payer_transfer_id", String(128), nullable=False),
    Column("payee_bank", String(40), nullable=False),
    Column("amount_minor", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("creditor_sort_code", String(6), nullable=False),
    Column("creditor_account_number", String(8), nullable=False),
    Column("creditor_name", String(70), nullable=False),
    Column("debtor_name", String(70), nullable=False),
    Column("reference", String(35), nullable=False),
    # submitted | accepted | rejected | settled | voided (see model.PaymentState)
    Column("state", String(16), nullable=False),
    Column("reject_code", String(64), nullable=True),
    Column("hold_expires_at", UTCDateTime, nullable=False),
    Column("deliver_by", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("last_error", String(200), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("payer_bank", "payer_transfer_id"),
    Index("ix_scheme_payments_due", "state", "next_attempt_at"),
)
