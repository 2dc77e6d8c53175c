"""The banks the platform knows: name, brand and where their Open Banking API lives."""

from __future__ import annotations

import json
from dataclasses import dataclass

from chatbank.connect.errors import unknown_bank


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One bank the platform is registered with as a third party."""

    id: str
    name: str
    brand_colour: str
    base_url: str
    client_id: str
    client_secret: str

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/.well-known/openid-configuration"


class BankDirectory:
    def __init__(self, entries: list[BankEntry]) -> None:
        self._entries = {e.id: e for e in entries}

    @classmethod
    def from_json(cls, text: str | None) -> BankDirectory:
        """Parse `CHATBANK_BANKS`: a JSON list of objects with BankEntry's fields."""
        if not text:
            return cls([])
        return cls([BankEntry(**item) for item in json.loads(text)])

    def get(self, bank_id: str) -> BankEntry:
        try:
            return self._entries[bank_id]
        except KeyError:
            raise unknown_bank(bank_id) from None

    def all(self) -> list[BankEntry]:
        return list(self._entries.values())
