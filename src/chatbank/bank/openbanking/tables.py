"""Tables of the OB API: consents, domestic (and scheduled) payments, idempotency."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, Text

from chatbank.bank.db import bank_metadata

consents = Table(
    "ob_consents", bank_metadata,
    Column("consent_id", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),  # "account-access" | "domestic-payment"
    Column("client_id", String(64), nullable=False),
    Column("status", String(30), nullable=False),
    Column("permissions", JSON, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=True),
    Column("transaction_from", DateTime(timezone=True), nullable=True),
    Column("transaction_to", DateTime(timezone=True), nullable=True),
    Column("initiation", JSON, nullable=True),
    Column("risk", JSON, nullable=False),
    Column("customer_id", String(64), nullable=True),
    Column("account_ids", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status_updated_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True), nullable=True),
    Index("ix_ob_consents_customer", "customer_id"),
)

domestic_payments = Table(
    "ob_domestic_payments", bank_metadata,
    Column("payment_id", String(64), primary_key=True),
    Column("consent_id", String(64), nullable=False, unique=True),
    Column("client_id", String(64), nullable=False),
    Column("status", String(40), nullable=False),
    Column("initiation", JSON, nullable=False),
    Column("debtor_account_id", String(64), nullable=False),
    Column("transfer_ref", String(128), nullable=True),
    Column("reject_reason", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status_updated_at", DateTime(timezone=True), nullable=False),
)

idempotency_records = Table(
    "ob_idempotency", bank_metadata,
    Column("client_id", String(64), primary_key=True),
    Column("operation", String(60), primary_key=True),
    Column("key", String(40), primary_key=True),
    Column("body_sha256", String(64), nullable=False),
    Column("status_code", Integer, nullable=False),
    Column("response_body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

scheduled_payments = Table(
    "ob_scheduled_payments", bank_metadata,
    Column("payment_id", String(40), primary_key=True),
    Column("consent_id", String(64), nullable=False, unique=True),
    Column("client_id", String(64), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("status", String(40), nullable=False),
    Column("initiation", JSON, nullable=False),
    Column("debtor_account_id", String(64), nullable=False),
    Column("execute_at", DateTime(timezone=True), nullable=False),
    Column("executed_at", DateTime(timezone=True), nullable=True),
    Column("transfer_ref", String(128), nullable=True),
    Column("reject_reason", String(200), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status_updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_ob_scheduled_payments_due", "executed_at", "execute_at"),
)
