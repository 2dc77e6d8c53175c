"""Typed settings, read from `CHATBANK_*` environment variables.

In production mode the process refuses to start while any secret is left at its development
default, so a demo key can never protect real data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_KEK = "dev-only-key-encryption-key-change-me-0000000000000000"
DEVELOPMENT_CHANNEL_SECRET = "dev-only-channel-app-secret-change-me"  # noqa: S105
DEVELOPMENT_VERIFY_TOKEN = "dev-only-channel-verify-token"  # noqa: S105


class Settings(BaseSettings):
    """Platform settings. Every field can be set as `CHATBANK_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="CHATBANK_", extra="ignore")

    mode: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = None
    redis_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    key_encryption_key: str = DEVELOPMENT_KEK
    session_ttl_s: int = Field(default=14 * 24 * 3600, gt=0)
    login_attempts_per_window: int = Field(default=10, gt=0)
    login_window_s: int = Field(default=300, gt=0)
    max_message_chars: int = Field(default=4000, gt=0)
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    max_group_members: int = Field(default=256, gt=1)
    instance_name: str = "platform-1"
    banks: str | None = None  # JSON list of bank directory entries (see connect.directory)
    assistant_handle: str = "assistant"
    # PostgreSQL mode: the ads context's own role, with grants on ad tables only.
    ads_database_url: str | None = None
    payment_limit_minor: int = Field(default=100_000, gt=0)  # one payment between people
    payment_daily_limit_minor: int = Field(default=250_000, gt=0)  # per payer per UTC day
    # Messenger Platform / WhatsApp Cloud API (docs/channels.md); a channel is on with its token.
    channel_app_secret: str = DEVELOPMENT_CHANNEL_SECRET
    channel_verify_token: str = DEVELOPMENT_VERIFY_TOKEN
    messenger_page_token: str | None = None
    whatsapp_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    graph_api_url: str = "https://graph.facebook.com/v21.0"
    channel_retry_base_ms: int = Field(default=1000, gt=0)
    channel_link_ttl_s: int = Field(default=900, gt=0)

    @model_validator(mode="after")
    def _refuse_default_secrets_in_production(self) -> Settings:
        if self.mode == "production" and self.key_encryption_key == DEVELOPMENT_KEK:
            raise ValueError(
                "CHATBANK_KEY_ENCRYPTION_KEY is still the development default; "
                "set a real secret before running in production mode."
            )
        if self.mode == "production" and not self.public_url.startswith("https://"):
            raise ValueError("CHATBANK_PUBLIC_URL must be https:// in production mode.")
        if self.mode == "production" and (self.messenger_page_token or self.whatsapp_token) and (
                self.channel_app_secret == DEVELOPMENT_CHANNEL_SECRET
                or self.channel_verify_token == DEVELOPMENT_VERIFY_TOKEN):
            raise ValueError("CHATBANK_CHANNEL_APP_SECRET and CHATBANK_CHANNEL_VERIFY_TOKEN are "
                             "still the development defaults; set the app's real secret and "
                             "your own verify token before connecting Messenger or WhatsApp.")
        return self

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or an SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'platform.db').resolve()}"

    @property
    def cookie_secure(self) -> bool:
        return self.public_url.startswith("https://")
