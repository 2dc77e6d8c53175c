"""SQL tables of the ledger: accounts with running totals, and the journal of transfers."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
)

from chatbank.bank.db import bank_metadata as md

UTCDateTime = DateTime(timezone=True)
# 64-bit amounts on PostgreSQL; SQLite integers are 64-bit already.
Amount = BigInteger().with_variant(Integer(), "sqlite")

ledger_accounts = Table(
    "ledger_accounts", md,
    Column("id", String(64), primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("kind", String(16), nullable=False),  # customer | settlement | suspense | interbank
    Column("overdraft_limit_minor", Amount, nullable=False, default=0),
    Column("debits_posted", Amount, nullable=False, default=0),
    Column("credits_posted", Amount, nullable=False, default=0),
    Column("debits_pending", Amount, nullable=False, default=0),
    Column("credits_pending", Amount, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
)

ledger_transfers = Table(
    "ledger_transfers", md,
    # Insertion order: the journal's sequence, used for stable ordering and cursors.
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("debit_account_id", String(64), ForeignKey("ledger_accounts.id"), nullable=False),
    Column("credit_account_id", String(64), ForeignKey("ledger_accounts.id"), nullable=False),
    Column("amount_minor", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("kind", String(16), nullable=False),  # posted | pending | post_pending | void_pending
    Column("pending_id", String(64), nullable=False, default=""),
    Column("timeout_s", Integer, nullable=False, default=0),
    Column("code", Integer, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("state", String(16), nullable=True),  # pending transfers only
    Column("debit_balance_after_minor", Amount, nullable=False),
    Column("credit_balance_after_minor", Amount, nullable=False),
    Index("ix_ledger_transfers_debit", "debit_account_id", "seq"),
    Index("ix_ledger_transfers_credit", "credit_account_id", "seq"),
    Index("ix_ledger_transfers_open_pending", "state", "expires_at"),
)
