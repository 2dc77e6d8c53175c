"""The platform as a real process next to the chaos banks, and its users with linked banks.

`chatbank serve` on its own data dir (SQLite), registered as a third party at every bank with
both callbacks and its request-signing key, as `chatbank demo` does. Each user is one bank
customer who linked that bank for payments (the headless journey of `benchmarks/_headless`:
the bank's own sign-in, SCA and consent pages, by form posts) and receives into it; every two
users share a direct chat.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from chatbank.benchmarks._headless import (
    PlatformUser,
    direct_chat,
    link_bank,
    receive_into_first_account,
)
from chatbank.bootstrap import PLATFORM_SIGNING_KEY_FILE
from chatbank.chaos.ledger_world import ChaosBank
from chatbank.chaos.supervisor import Service
from chatbank.connect.signing import RequestSigner

PAY_PURPOSES = ("answer_account_questions", "make_payments_i_ask_for")
PLATFORM_ENV = {"CHATBANK_MODE": "test",
                # Many payments per payer in a few minutes: only the per-payment limit applies.
                "CHATBANK_PAYMENT_DAILY_LIMIT_MINOR": str(10**12)}


@dataclass
class Payer:
    """A platform user who banks at `bank_id` as the customer `login`."""

    user: PlatformUser
    bank_id: str
    login: str
    chats: dict[str, str] = field(default_factory=dict)  # other user's id -> direct chat

    @property
    def id(self) -> str:
        return self.user.user_id


@dataclass
class PlatformParty:
    service: Service
    data_dir: Path
    users: list[Payer] = field(default_factory=list)

    @property
    def database(self) -> Path:
        return self.data_dir / "platform.db"  # the platform's SQLite file (no database URL)

    async def close(self) -> None:
        for payer in self.users:
            await payer.user.close()


def build_platform(root: Path) -> PlatformParty:
    """The platform service (not started, not yet registered at any bank)."""
    data_dir = root / "platform"
    service = Service("platform", [], root / "platform.log")
    service.args = ["-m", "chatbank.cli.main", "serve", "--port", str(service.port)]
    service.env = {**PLATFORM_ENV, "CHATBANK_DATA_DIR": str(data_dir),
                   "CHATBANK_PUBLIC_URL": service.url}
    return PlatformParty(service, data_dir)


async def register_at_banks(party: PlatformParty, banks: list[ChaosBank]) -> None:
    """Register the platform at each (running) bank; its directory goes in CHATBANK_BANKS."""
    party.data_dir.mkdir(parents=True, exist_ok=True)
    signer = RequestSigner.load_or_create(party.data_dir / PLATFORM_SIGNING_KEY_FILE)
    url = party.service.url
    entries = []
    async with httpx.AsyncClient(timeout=60.0) as http:
        for bank in banks:
            answer = await http.post(f"{bank.service.url}/sandbox/clients", json={
                "client_name": "chatbank", "jwks": {"keys": [signer.jwk]},
                "redirect_uris": [f"{url}/connect/callback", f"{url}/payments/callback"]})
            answer.raise_for_status()
            entries.append({"id": bank.bank_id, "name": bank.settings.name,
                            "brand_colour": bank.settings.brand_colour,
                            "base_url": bank.service.url,
                            "client_id": answer.json()["client_id"],
                            "client_secret": answer.json()["client_secret"]})
    party.service.env["CHATBANK_BANKS"] = json.dumps(entries)


async def start_party(party: PlatformParty, banks: list[ChaosBank]) -> None:
    """Start the platform; one user per bank customer, linked and receiving; all chats."""
    await register_at_banks(party, banks)
    await asyncio.to_thread(party.service.start)
    for bank in banks:
        for login in bank.customers:
            user = await PlatformUser.sign_up(party.service.url, f"{login} at {bank.bank_id}")
            party.users.append(Payer(user, bank.bank_id, login))
            await link_bank(user, bank.bank_id, login, PAY_PURPOSES)
            await receive_into_first_account(user)
    for index, payer in enumerate(party.users):
        for other in party.users[index + 1:]:
            chat = await direct_chat(payer.user, other.id)
            payer.chats[other.id] = other.chats[payer.id] = chat
