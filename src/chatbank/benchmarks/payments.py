"""`chatbank bench payments`: person-to-person payments end to end, next to the bank's ledger.

Each payment goes the whole way a user's does (see `_headless`): create it in a direct chat →
ask the platform to authorise it → at the payer's bank sign in, pass SCA and approve (form posts)
→ land on the platform's callback, which executes it → for another bank, follow it until the
scheme has settled it and the platform shows it completed. Same bank: Northbank → Northbank;
cross bank: Northbank → Eastbank through the scheme.

Baseline, same run: the bank's `LedgerService` called directly on a fresh bank database, one
posted transfer per call — the bank-side core of a same-bank payment without anything around it.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from chatbank.bank.db import create_bank_engine, sqlite_bank_url, upgrade_bank_database
from chatbank.bank.ledger import AccountKind, LedgerAccount, LedgerService, TransferRequest
from chatbank.benchmarks._headless import (
    JourneyError,
    PlatformUser,
    at_the_bank,
    direct_chat,
    link_bank,
    receive_into_first_account,
)
from chatbank.benchmarks._progress import Bars
from chatbank.benchmarks._stack import DemoStack
from chatbank.benchmarks._stats import latency_summary, ratio

PAY_PURPOSES = ("answer_account_questions", "make_payments_i_ask_for")
PAYER_BANK, PAYER_LOGIN = "northbank", "alice"
PAYEES = {"same_bank": ("northbank", "bob"), "cross_bank": ("eastbank", "carol")}
SETTLE_TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class PaymentsConfig:
    payments_per_kind: int = 40
    concurrency: int = 4  # payers paying at the same time, each its own platform user
    ledger_seconds: float = 3.0  # per ledger phase (1 client, `concurrency` clients)

    @classmethod
    def quick(cls) -> PaymentsConfig:
        return cls(payments_per_kind=2, concurrency=1, ledger_seconds=0.3)


@dataclass
class _Party:
    payers: list[PlatformUser]
    payees: dict[str, PlatformUser]
    chats: dict[tuple[int, str], str]  # (payer index, kind) -> conversation id


async def _set_up(stack: DemoStack, config: PaymentsConfig) -> _Party:
    payees = {}
    for kind, (bank, login) in PAYEES.items():
        payee = await PlatformUser.sign_up(stack.platform_url, f"Payee {kind}")
        await link_bank(payee, bank, login, PAY_PURPOSES)
        await receive_into_first_account(payee)
        payees[kind] = payee
    payers = [await PlatformUser.sign_up(stack.platform_url, f"Payer {i}")
              for i in range(config.concurrency)]
    chats = {(i, kind): await direct_chat(payer, payees[kind].user_id)
             for i, payer in enumerate(payers) for kind in PAYEES}
    return _Party(payers, payees, chats)


async def _wait_completed(payer: PlatformUser, payment_id: str) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while time.monotonic() < deadline:
        status = (await payer.get(f"/api/v1/payments/{payment_id}"))["payment"]["status"]
        if status == "completed":
            return
        if status not in {"pending", "awaiting_authorisation"}:
            raise JourneyError(f"payment {payment_id} ended {status}")
        await asyncio.sleep(0.02)
    raise JourneyError(f"payment {payment_id} not completed within {SETTLE_TIMEOUT_S} s")


async def pay_once(payer: PlatformUser, chat: str, payee_id: str) -> tuple[float, float]:
    """One payment of 1p; returns (seconds to the callback's answer, seconds to completed)."""
    started = time.perf_counter()
    made = await payer.post("/api/v1/payments", {
        "conversation_id": chat, "payee_id": payee_id, "amount": "0.01", "note": "bench",
        "client_id": uuid.uuid4().hex}, 201)
    payment_id = made["payment"]["id"]
    url = (await payer.post(f"/api/v1/payments/{payment_id}/authorise",
                            {"bank_id": PAYER_BANK}))["authorize_url"]
    answer = await at_the_bank(url, PAYER_LOGIN)
    landed = await payer.http.get("/payments/callback", params=answer)
    location = landed.headers.get("location", "")
    if landed.status_code != 303 or "status=" not in location:
        raise JourneyError(f"payment {payment_id} callback answered {location or landed.text}")
    accepted = time.perf_counter() - started
    if "status=completed" not in location:
        await _wait_completed(payer, payment_id)
    return accepted, time.perf_counter() - started


def _cpu_ms_per(before: dict[str, float], after: dict[str, float], count: int
                ) -> dict[str, float]:
    return {part: round(1000 * (after[part] - before[part]) / max(count, 1), 2)
            for part in after}


async def _payments_phase(stack: DemoStack, party: _Party, kind: str, config: PaymentsConfig,
                          bars: Bars) -> dict[str, Any]:
    """`payments_per_kind` payments by the payers at once; a failed one is counted, with why."""
    advance = bars.task(f"payments: {kind.replace('_', ' ')}", config.payments_per_kind)
    remaining = [config.payments_per_kind]
    accepted: list[float] = []
    completed: list[float] = []
    errors: list[str] = []

    async def worker(index: int) -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            chat = party.chats[(index, kind)]
            try:
                a, c = await pay_once(party.payers[index], chat, party.payees[kind].user_id)
            except JourneyError as error:
                errors.append(str(error))
            else:
                accepted.append(a)
                completed.append(c)
            advance()

    cpu0, wall0 = stack.cpu_by_part(), time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(len(party.payers))))
    wall, cpu1 = time.perf_counter() - wall0, stack.cpu_by_part()
    if not completed:
        raise JourneyError(f"no {kind} payment completed: {errors[:3]}")
    by_part = _cpu_ms_per(cpu0, cpu1, len(completed))
    return {"payments": len(completed), "failed": len(errors), "errors": errors[:5],
            "payments_per_s": len(completed) / wall,
            "stack_cpu_ms_per_payment": round(sum(by_part.values()), 2),
            "cpu_ms_per_payment_by_part": by_part,
            "stack_cpu_share": (sum(cpu1.values()) - sum(cpu0.values())) / wall,
            "latency_to_callback": latency_summary(accepted),
            "latency_to_completed": latency_summary(completed)}


async def _ledger_rate(ledger: LedgerService, clients: int, seconds: float,
                       label: str) -> dict[str, float]:
    """Posted transfers/s, one per call (one database transaction each), and CPU per transfer."""
    done = [0]
    cpu0, wall0 = time.process_time(), time.perf_counter()

    async def client(c: int) -> None:
        while time.perf_counter() - wall0 < seconds:
            done[0] += 1
            await ledger.create_transfers([TransferRequest(
                f"{label}-{c}-{done[0]}", f"c{c % 2}", f"c{(c + 1) % 2}", 1, "GBP")])

    await asyncio.gather(*(client(c) for c in range(clients)))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    return {"transfers_per_s": done[0] / wall, "cpu_ms_per_transfer": 1000 * cpu / done[0]}


async def ledger_baseline(config: PaymentsConfig, bars: Bars) -> dict[str, Any]:
    """The bank's ledger service alone, on a fresh SQLite bank database in a temporary dir."""
    advance = bars.task("payments: bank ledger baseline", 2)
    with tempfile.TemporaryDirectory(prefix="chatbank-bench-ledger-") as tmp:
        url = sqlite_bank_url(Path(tmp), "baseline")
        await asyncio.to_thread(upgrade_bank_database, url)
        engine = create_bank_engine(url)
        try:
            ledger = LedgerService(engine)
            await ledger.create_accounts(
                [LedgerAccount("bank", "GBP", AccountKind.SETTLEMENT)]
                + [LedgerAccount(f"c{i}", "GBP", AccountKind.CUSTOMER) for i in range(2)])
            await ledger.create_transfers([TransferRequest(f"open-{i}", "bank", f"c{i}", 10**12,
                                                           "GBP") for i in range(2)])
            rates = {"single_transfer_1_client": await _ledger_rate(
                ledger, 1, config.ledger_seconds, "one")}
            advance()
            if config.concurrency > 1:
                rates[f"single_transfer_{config.concurrency}_clients"] = await _ledger_rate(
                    ledger, config.concurrency, config.ledger_seconds, "many")
            advance()
        finally:
            await engine.dispose()
    return rates


async def measure(stack: DemoStack, config: PaymentsConfig, bars: Bars) -> dict[str, Any]:
    """Same-bank and cross-bank payments through the running stack, then the ledger baseline."""
    party = await _set_up(stack, config)
    try:
        phases = {kind: await _payments_phase(stack, party, kind, config, bars)
                  for kind in PAYEES}
    finally:
        for user in [*party.payers, *party.payees.values()]:
            await user.close()
    ledger = await ledger_baseline(config, bars)
    raw = ledger["single_transfer_1_client"]
    same = phases["same_bank"]
    return {"benchmark": "payments", "config": asdict(config), **phases, "ledger": ledger,
            "ratios": {
                "same_bank_payments_vs_ledger_transfers_per_s": ratio(
                    same["payments_per_s"], raw["transfers_per_s"]),
                "cross_vs_same_bank_p50_to_completed": ratio(
                    phases["cross_bank"]["latency_to_completed"]["p50_ms"],
                    same["latency_to_completed"]["p50_ms"]),
                "stack_cpu_per_same_bank_payment_vs_ledger_cpu_per_transfer": ratio(
                    same["stack_cpu_ms_per_payment"], raw["cpu_ms_per_transfer"])}}
