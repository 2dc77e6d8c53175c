"""SQL tables of the privacy context: the hash-chained audit log and its chain head."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Table

from chatbank.db.metadata import platform_metadata as md

UTCDateTime = DateTime(timezone=True)

# Append-only. No foreign key to users: the log outlives a deleted account.
audit_log = Table(
    "audit_log", md,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", String(40), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(32), nullable=False),
    Column("purpose", String(40), nullable=True),
    Column("bank", String(64), nullable=True),
    Column("data_class", String(32), nullable=True),
    Column("result", String(8), nullable=False),
    Column("code", String(40), nullable=True),
    Column("reason", String(120), nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_user_seq", "user_id", "seq"),
)

# One row (id = 1). Every append updates it first, which takes a row lock on PostgreSQL and
# the write lock on SQLite, so appends from any number of instances form one chain.
audit_chain_head = Table(
    "audit_chain_head", md,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
    Column("last_hash", String(64), nullable=False),
)
