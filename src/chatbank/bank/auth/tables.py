"""Tables of the bank's authorisation server: clients, pushed requests, codes, tokens, sessions."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Index, String, Table

from chatbank.bank.db import bank_metadata

oauth_clients = Table(
    "oauth_clients", bank_metadata,
    Column("client_id", String(64), primary_key=True),
    Column("client_name", String(200), nullable=False),
    Column("redirect_uris", JSON, nullable=False),
    Column("auth_method", String(40), nullable=False),
    Column("secret_hash", String(128), nullable=True),
    Column("jwks", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

pushed_requests = Table(
    "oauth_pushed_requests", bank_metadata,
    Column("request_uri", String(128), primary_key=True),
    Column("client_id", String(64), ForeignKey("oauth_clients.client_id"), nullable=False),
    Column("consent_id", String(64), nullable=False),
    Column("redirect_uri", String(2000), nullable=False),
    Column("scope", String(200), nullable=False),
    Column("state", String(500), nullable=True),
    Column("nonce", String(500), nullable=True),
    Column("code_challenge", String(128), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used", Boolean, nullable=False, default=False),
)

authorisation_codes = Table(
    "oauth_codes", bank_metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("client_id", String(64), nullable=False),
    Column("consent_id", String(64), nullable=False),
    Column("customer_id", String(64), nullable=False),
    Column("redirect_uri", String(2000), nullable=False),
    Column("scope", String(200), nullable=False),
    Column("code_challenge", String(128), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True), nullable=True),
)

tokens = Table(
    "oauth_tokens", bank_metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("consent_id", String(64), nullable=True),
    Column("customer_id", String(64), nullable=True),
    Column("scope", String(200), nullable=False),
    Column("code_hash", String(64), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Index("ix_oauth_tokens_consent", "consent_id"),
)

customer_sessions = Table(
    "bank_sessions", bank_metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("sca_code_hash", String(64), nullable=True),
    Column("sca_passed_at", DateTime(timezone=True), nullable=True),
    Column("request_uri", String(128), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
