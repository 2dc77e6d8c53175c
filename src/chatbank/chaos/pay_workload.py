"""Payments through the platform, as part of the ledger workload: the platform process joins
the banks and the scheme among the processes the injector SIGKILLs, its users pay each other
in their chats next to the third-party clients, and after recovery its checks run.

`ledger_workload` drives it: `start` once the banks are up, `clients` next to its own,
`recover` once every process is back, `close`, then `check` on the files.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatbank.chaos.ledger_world import ChaosBank
from chatbank.chaos.pay_checks import check_platform_payments
from chatbank.chaos.pay_clients import PayingClient, status_of
from chatbank.chaos.pay_model import (
    FINAL_PLATFORM_STATUSES,
    PlatformHistory,
    read_bank_payment_refs,
    read_platform,
)
from chatbank.chaos.pay_world import PlatformParty, build_platform, start_party
from chatbank.chaos.report import Anomaly
from chatbank.chaos.retrying import Retrying
from chatbank.chaos.supervisor import Budget, Service, seeded_rng


@dataclass
class PlatformPayments:
    """The platform, its paying users, and what they saw."""

    party: PlatformParty
    retrying: Retrying = field(default_factory=Retrying)
    history: PlatformHistory = field(default_factory=PlatformHistory)
    clients: list[PayingClient] = field(default_factory=list)

    @classmethod
    def build(cls, root: Path) -> PlatformPayments:
        return cls(build_platform(root))

    @property
    def service(self) -> Service:
        return self.party.service

    async def start(self, banks: list[ChaosBank]) -> None:
        await start_party(self.party, banks)

    def loops(self, count: int, budget: Budget, rng: random.Random,
              max_amount_minor: int) -> list[Coroutine[Any, Any, None]]:
        """`count` clients paying until the budget is spent."""
        self.clients = [PayingClient(self.party.users, self.history, self.retrying,
                                     seeded_rng(rng.random()), max_amount_minor)
                        for _ in range(count)]
        return [self._loop(client, budget) for client in self.clients]

    @staticmethod
    async def _loop(client: PayingClient, budget: Budget) -> None:
        while budget.take():
            await client.pay()

    async def recover(self, timeout_s: float) -> None:
        """Wait until the platform has finished every payment; then each payer reads theirs."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            payments, _ = await asyncio.to_thread(read_platform, self.party.database)
            if all(p.status in FINAL_PLATFORM_STATUSES for p in payments):
                break
            await asyncio.sleep(1.0)
        payers = {payer.id: payer for payer in self.party.users}
        for attempt in self.history.attempts:
            if attempt.payment_id is not None:
                attempt.final_status = await status_of(payers[attempt.payer_id],
                                                       attempt.payment_id, self.retrying)

    async def close(self) -> None:
        await self.party.close()

    def check(self, banks: list[ChaosBank]) -> tuple[list[str], list[Anomaly]]:
        """Read the platform's and the banks' files (servers stopped) and check."""
        self.history.payments, self.history.cards = read_platform(self.party.database)
        self.history.bank_payments = tuple(ref for bank in banks for ref in
                                           read_bank_payment_refs(bank.bank_id, bank.database))
        return check_platform_payments(self.history)

    @property
    def operations(self) -> int:
        return len(self.history.attempts)

    @property
    def acknowledged(self) -> int:
        return sum(1 for a in self.history.attempts if a.payment_id is not None)

    @property
    def retries(self) -> int:
        return self.retrying.retries + sum(c.journeys_failed for c in self.clients)
