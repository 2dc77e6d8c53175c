"""The ledger workload: concurrent clients pay at random, same bank and across banks, as a third
party at the banks' OB API and (with `platform_clients`) as users of the platform paying each
other in chats, while the fault injector SIGKILLs banks, the scheme and the platform; then
recovery, then the checkers."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatbank.bank.books import Account
from chatbank.chaos.ledger_books import read_bank, read_scheme
from chatbank.chaos.ledger_checks import check_ledger, new_open_holds
from chatbank.chaos.ledger_model import (
    FINAL_OB_STATUSES,
    FINAL_SCHEME_STATES,
    LedgerHistory,
    PaymentAttempt,
)
from chatbank.chaos.ledger_world import ChaosBank, ClearingWorld, build_world, start_world
from chatbank.chaos.pay_workload import PlatformPayments
from chatbank.chaos.report import WorkloadReport
from chatbank.chaos.retrying import Retrying
from chatbank.chaos.supervisor import (
    Budget,
    FaultInjector,
    FaultPlan,
    ensure_all_up,
    seeded_rng,
    stop_all,
)

REPEAT_PROBABILITY = 0.3  # a client re-sends an answered payment with the same key


@dataclass(frozen=True)
class LedgerChaosConfig:
    """Stop after `operations` OB payments (and `platform_operations` platform payments), or
    after `duration_s`, whichever comes first. No platform without platform clients."""

    operations: int = 40
    duration_s: float = 3600.0
    clients: int = 4
    bank_count: int = 2
    hold_timeout_s: int = 20  # short, so restarts do outlast holds (they settle late, safely)
    max_amount_minor: int = 20_000
    faults: FaultPlan = field(default_factory=FaultPlan)
    platform_clients: int = 0
    platform_operations: int = 0
    platform_max_amount_minor: int = 5_000


def initiation_for(payee: Account, amount_minor: int) -> dict[str, Any]:
    pounds, pence = divmod(amount_minor, 100)
    return {"InstructionIdentification": uuid.uuid4().hex[:16],
            "EndToEndIdentification": "chaos",
            "InstructedAmount": {"Amount": f"{pounds}.{pence:02d}", "Currency": "GBP"},
            "CreditorAccount": {"SchemeName": "UK.OBIE.SortCodeAccountNumber",
                                "Identification": payee.scheme_identification,
                                "Name": payee.holder_name[:70]},
            "RemittanceInformation": {"Reference": "chaos"}}


async def one_payment(world: ClearingWorld, history: LedgerHistory, rng: random.Random,
                      config: LedgerChaosConfig) -> None:
    """Consent, headless approval, payment (retried with its key until answered)."""
    payer_bank = rng.choice(world.banks)
    payer = rng.choice(payer_bank.accounts)
    others = [b for b in world.banks if b is not payer_bank]
    payee_bank: ChaosBank = rng.choice(others) if others and rng.random() < 0.5 else payer_bank
    payee = rng.choice([a for a in payee_bank.accounts if a.id != payer.id])
    amount = rng.randint(1, config.max_amount_minor)
    initiation = initiation_for(payee, amount)
    client = payer_bank.client
    assert client is not None
    consent_id = await client.create_consent(initiation, f"c-{uuid.uuid4().hex}")
    token = await client.authorise(consent_id, payer.customer_id, payer.id)
    attempt = PaymentAttempt(payer_bank.bank_id, f"p-{uuid.uuid4().hex}", consent_id, amount,
                             payee_bank is not payer_bank)
    history.attempts.append(attempt)
    attempt.answers.append(await client.pay(consent_id, initiation, token,
                                            attempt.idempotency_key))
    if rng.random() < REPEAT_PROBABILITY:
        attempt.answers.append(await client.pay(consent_id, initiation, token,
                                                attempt.idempotency_key))


async def client_loop(world: ClearingWorld, history: LedgerHistory, budget: Budget,
                      rng: random.Random, config: LedgerChaosConfig) -> None:
    while budget.take():
        await one_payment(world, history, rng, config)


def _in_flight(world: ClearingWorld, history: LedgerHistory) -> int:
    pending = sum(len(new_open_holds(history, read_bank(bank.bank_id, bank.database)))
                  for bank in world.banks)
    return pending + sum(1 for s in read_scheme(world.scheme_database)
                         if s.state not in FINAL_SCHEME_STATES)


async def recover(world: ClearingWorld, history: LedgerHistory, timeout_s: float) -> None:
    """With every process up, wait until nothing is in flight; read each payment's status."""
    deadline = time.monotonic() + timeout_s
    banks = {bank.bank_id: bank for bank in world.banks}
    while time.monotonic() < deadline:
        if not await asyncio.to_thread(_in_flight, world, history):
            break
        await asyncio.sleep(0.5)
    for attempt in history.attempts:
        ack = attempt.acknowledged
        client = banks[attempt.bank_id].client
        if ack is not None and ack.payment_id is not None and client is not None:
            attempt.final_status = await client.final_status(ack.payment_id)
    for bank in world.banks:  # also those no client heard of: reading refreshes the status
        books = await asyncio.to_thread(read_bank, bank.bank_id, bank.database)
        for payment in books.payments:
            if payment.status not in FINAL_OB_STATUSES and bank.client is not None:
                await bank.client.final_status(payment.payment_id)


async def _drive(world: ClearingWorld, platform: PlatformPayments | None,
                 history: LedgerHistory, config: LedgerChaosConfig, rng: random.Random,
                 report: WorkloadReport) -> None:
    services = world.services + ([platform.service] if platform else [])
    injector = FaultInjector(services, config.faults, seeded_rng(rng.random()))
    faults = asyncio.create_task(injector.run(), name="fault-injector")
    deadline, min_faults = time.monotonic() + config.duration_s, config.faults.max_faults or 0
    budget = Budget(config.operations, deadline, injector, min_faults)
    clients = [client_loop(world, history, budget, seeded_rng(rng.random()), config)
               for _ in range(config.clients)]
    if platform is not None:
        clients += platform.loops(config.platform_clients, Budget(
            config.platform_operations, deadline, injector, min_faults),
            seeded_rng(rng.random()), config.platform_max_amount_minor)
    try:
        await asyncio.gather(*clients)
    finally:
        injector.stop_soon()
        await faults
        report.faults, report.faults_by_service = injector.faults, dict(injector.by_service)
    await ensure_all_up(services)
    await recover(world, history, config.hold_timeout_s * 2 + 120)
    if platform is not None:
        await platform.recover(config.hold_timeout_s * 2 + 120)


async def run_ledger_chaos(root: Path, config: LedgerChaosConfig, seed: int) -> WorkloadReport:
    """Run the workload under faults, stop everything, read the books, check the invariants."""
    started = time.monotonic()
    rng = seeded_rng(seed)
    report = WorkloadReport("ledger + payments")
    world = build_world(root, config.bank_count, config.hold_timeout_s)
    platform = PlatformPayments.build(root) if config.platform_clients else None
    retrying = Retrying()
    try:
        await start_world(world, retrying)
        if platform is not None:
            await platform.start(world.banks)
        history = LedgerHistory({b.bank_id: read_bank(b.bank_id, b.database)
                                 for b in world.banks})
        await _drive(world, platform, history, config, rng, report)
    finally:
        await _close(world, platform)
    books = {b.bank_id: read_bank(b.bank_id, b.database) for b in world.banks}
    report.checks, report.anomalies = check_ledger(history, books,
                                                   read_scheme(world.scheme_database))
    report.operations = len(history.attempts)
    report.acknowledged = sum(1 for a in history.attempts if a.acknowledged)
    report.retries = retrying.retries
    report.operations_by_kind = {"OB API": report.operations}
    if platform is not None:
        _add_platform(report, platform, world)
    report.seconds = time.monotonic() - started
    return report


async def _close(world: ClearingWorld, platform: PlatformPayments | None) -> None:
    for bank in world.banks:
        if bank.client is not None:
            await bank.client.close()
    if platform is not None:
        await platform.close()
    await asyncio.to_thread(stop_all, world.services + ([platform.service] if platform else []))


def _add_platform(report: WorkloadReport, platform: PlatformPayments,
                  world: ClearingWorld) -> None:
    checks, anomalies = platform.check(world.banks)
    report.checks += checks
    report.anomalies += anomalies
    report.operations += platform.operations
    report.operations_by_kind["platform"] = platform.operations
    report.acknowledged += platform.acknowledged
    report.retries += platform.retries
