"""Settings of the scheme process (`CHATBANK_SCHEME_*`) and its participants (the banks)."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Participant(BaseModel):
    """A member bank: where its scheme endpoints are, its sort codes, and the shared secret."""

    bank_id: str = Field(min_length=1, max_length=40)
    sort_code_prefix: str
    base_url: str
    secret: str = Field(min_length=16)

    @field_validator("sort_code_prefix")
    @classmethod
    def _digits(cls, value: str) -> str:
        if not re.fullmatch(r"\d{1,6}", value):
            raise ValueError("sort_code_prefix is 1 to 6 digits")
        return value


class SchemeSettings(BaseSettings):
    """One scheme: where it listens, its database, its members and its retry policy."""

    model_config = SettingsConfigDict(env_prefix="CHATBANK_SCHEME_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=8100, gt=0, lt=65536)
    data_dir: Path = Path("data/scheme")
    database_url: str | None = None
    participants: list[Participant] = Field(default_factory=list)  # JSON in the environment
    tick_s: float = Field(default=0.5, gt=0)  # how often the delivery loop looks for due work
    retry_base_s: float = Field(default=0.5, gt=0)  # first retry delay, doubled per attempt
    retry_max_s: float = Field(default=60.0, gt=0)
    request_timeout_s: float = Field(default=5.0, gt=0)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or `<data_dir>/scheme.db`."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'scheme.db').resolve()}"

    def participant(self, bank_id: str) -> Participant | None:
        return next((p for p in self.participants if p.bank_id == bank_id), None)

    def route(self, sort_code: str) -> Participant | None:
        """The bank that owns `sort_code` (the longest matching prefix wins)."""
        owners = [p for p in self.participants if sort_code.startswith(p.sort_code_prefix)]
        return max(owners, key=lambda p: len(p.sort_code_prefix), default=None)

    def secrets(self) -> dict[str, str]:
        return {p.bank_id: p.secret for p in self.participants}
