"""Settings of one sandbox bank process (`CHATBANK_BANK_*`); each bank has its own name and port."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chatbank.bank.db import sqlite_bank_url


class BankSettings(BaseSettings):
    """One bank: its brand, where it listens, where it keeps its database and signing key."""

    model_config = SettingsConfigDict(env_prefix="CHATBANK_BANK_", extra="ignore")

    name: str = "Northbank"
    brand_colour: str = "#1f4e8c"
    host: str = "127.0.0.1"
    port: int = Field(default=8101, gt=0, lt=65536)
    data_dir: Path = Path("data/banks")
    database_url: str | None = None
    public_url: str | None = None
    sandbox: bool = True
    signing_key_pem: str | None = None
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    code_ttl_s: int = Field(default=60, gt=0, le=60)
    par_ttl_s: int = Field(default=90, gt=0)
    access_token_ttl_s: int = Field(default=3600, gt=0)
    refresh_token_ttl_s: int = Field(default=90 * 24 * 3600, gt=0)
    session_ttl_s: int = Field(default=1800, gt=0)
    login_attempts_per_window: int = Field(default=10, gt=0)
    sca_attempts_per_window: int = Field(default=5, gt=0)
    attempts_window_s: int = Field(default=300, gt=0)
    page_size: int = Field(default=25, gt=0, le=1000)
    # Interbank scheme (docs/scheme.md): where it is, this bank's member id and shared secret.
    scheme_url: str | None = None
    scheme_bank_id: str | None = None  # defaults to the slug
    scheme_secret: str | None = None
    outbound_hold_timeout_s: int = Field(default=24 * 3600, gt=0)  # then an unsettled hold is void
    scheme_poll_s: float = Field(default=1.0, gt=0)  # outbox and expired-hold sweep interval

    @field_validator("brand_colour")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise ValueError("brand_colour must look like #1f4e8c")
        return value

    @property
    def slug(self) -> str:
        """Lower-case name used in file names and cookie names (banks share 127.0.0.1)."""
        return re.sub(r"[^a-z0-9]+", "", self.name.lower()) or "bank"

    @property
    def base_url(self) -> str:
        """Where clients and browsers reach this bank; the OAuth issuer."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or `<data_dir>/bank-<slug>.db`."""
        if self.database_url:
            return self.database_url
        return sqlite_bank_url(self.data_dir, self.slug)

    @property
    def scheme_member_id(self) -> str:
        """This bank's id at the scheme."""
        return self.scheme_bank_id or self.slug

    @property
    def signing_key_path(self) -> Path:
        return self.data_dir / f"{self.slug}-signing-key.pem"
