"""The banks and the scheme as real processes: `chatbank bank serve` ×N and the scheme.

Each bank has its own port, data dir and SQLite file and is a member of the scheme, so a
payment to another bank's sort code clears through the scheme over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from chatbank.bank.books import Account
from chatbank.bank.settings import BankSettings
from chatbank.chaos.ledger_books import sqlite_file
from chatbank.chaos.ob_client import ObClient
from chatbank.chaos.retrying import Retrying
from chatbank.chaos.supervisor import Service

# (name, sort code prefix, customers): three banks as in the demo.
CHAOS_BANKS = (("Northbank", "20", ("alice", "bob")), ("Eastbank", "30", ("carol", "alice")),
               ("Westbank", "40", ("dan", "carol")))


@dataclass
class ChaosBank:
    """One bank process, what the harness knows of its customers, and its API client."""

    service: Service
    settings: BankSettings
    customers: tuple[str, ...]
    accounts: list[Account] = field(default_factory=list)
    client: ObClient | None = None

    @property
    def bank_id(self) -> str:
        return self.settings.slug

    @property
    def database(self) -> Path:
        return sqlite_file(self.settings.resolved_database_url)


@dataclass
class ClearingWorld:
    banks: list[ChaosBank]
    scheme: Service
    scheme_database: Path

    @property
    def services(self) -> list[Service]:
        return [self.scheme, *(bank.service for bank in self.banks)]


def build_world(root: Path, bank_count: int, hold_timeout_s: int) -> ClearingWorld:
    """The services (not yet started) and their configuration, all under `root`."""
    banks: list[ChaosBank] = []
    scheme = Service("scheme", ["-m", "chatbank.scheme"], root / "scheme.log")
    members = []
    for name, prefix, customers in CHAOS_BANKS[:bank_count]:
        data_dir = root / name.lower()
        secret = secrets.token_urlsafe(24)
        service = Service(name.lower(), [], root / f"{name.lower()}.log")
        service.args = ["-m", "chatbank.cli.main", "bank", "serve", "--name", name,
                        "--port", str(service.port), "--data-dir", str(data_dir),
                        "--sort-code-prefix", prefix, "--customers", ",".join(customers)]
        service.env = {"CHATBANK_BANK_SCHEME_URL": scheme.url,
                       "CHATBANK_BANK_SCHEME_SECRET": secret,
                       "CHATBANK_BANK_SCHEME_POLL_S": "0.2",
                       # Platform payers sign in at their bank for every payment.
                       "CHATBANK_BANK_LOGIN_ATTEMPTS_PER_WINDOW": "1000000",
                       "CHATBANK_BANK_OUTBOUND_HOLD_TIMEOUT_S": str(hold_timeout_s)}
        settings = BankSettings(name=name, port=service.port, data_dir=data_dir, sandbox=True)
        banks.append(ChaosBank(service, settings, customers))
        members.append({"bank_id": settings.slug, "sort_code_prefix": prefix,
                        "base_url": service.url, "secret": secret})
    scheme.env = {"CHATBANK_SCHEME_PORT": str(scheme.port),
                  "CHATBANK_SCHEME_DATA_DIR": str(root / "scheme"),
                  "CHATBANK_SCHEME_PARTICIPANTS": json.dumps(members),
                  "CHATBANK_SCHEME_TICK_S": "0.1", "CHATBANK_SCHEME_RETRY_BASE_S": "0.1",
                  "CHATBANK_SCHEME_RETRY_MAX_S": "1.0"}
    return ClearingWorld(banks, scheme, root / "scheme" / "scheme.db")


async def start_world(world: ClearingWorld, retrying: Retrying) -> None:
    """Start every process, register one API client per bank and learn the accounts."""
    await asyncio.to_thread(world.scheme.start)
    for bank in world.banks:  # one at a time: each start imports the whole CLI
        await asyncio.to_thread(bank.service.start)
    for bank in world.banks:
        bank.client = ObClient(bank.bank_id, bank.settings, retrying)
        await bank.client.register()
        bank.accounts = [account for login in bank.customers
                         for account in await bank.client.accounts_of(login)]
