"""Property-based tests of the SQL ledger on a real SQLite file (Hypothesis).

Random batches of posted, pending, post and void requests, drawn from a small pool of ids so
that retries and id clashes are frequent, are sent by several concurrent asyncio clients while
the clock moves and expired holds are released. After every round the books must balance, no
customer may be below their limit, and the running totals must equal the journal. Finally every
accepted request is retried: each must answer `exists` and nothing may move.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbank.bank.db import create_bank_engine
from chatbank.bank.ledger import (
    AccountKind,
    LedgerAccount,
    LedgerBatch,
    LedgerService,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from tests.bank.conftest import ManualClock, scratch_bank_file, sqlite_url

IDS = [f"t{i}" for i in range(24)]
CUSTOMERS = {"c0": 0, "c1": 300, "c2": 0}  # id -> overdraft limit
ACCOUNTS = ["bank", *CUSTOMERS]


def opening_accounts(prefix: str = "") -> list[LedgerAccount]:
    return [LedgerAccount(f"{prefix}bank", "GBP", AccountKind.SETTLEMENT)] + [
        LedgerAccount(prefix + i, "GBP", AccountKind.CUSTOMER, overdraft_limit_minor=limit)
        for i, limit in CUSTOMERS.items()]


def namespaced(request: TransferRequest, prefix: str) -> TransferRequest:
    """The same request on the accounts and ids of one example sharing a database."""
    def name(value: str) -> str:
        return prefix + value if value else ""

    return replace(request, id=name(request.id), debit_account_id=name(request.debit_account_id),
                   credit_account_id=name(request.credit_account_id),
                   pending_id=name(request.pending_id))


@st.composite
def transfer_requests(draw: st.DrawFn) -> TransferRequest:
    kind = draw(st.sampled_from(list(TransferKind)))
    id_ = draw(st.sampled_from(IDS))
    if kind in (TransferKind.POST_PENDING, TransferKind.VOID_PENDING):
        amount = draw(st.integers(0, 400)) if kind == TransferKind.POST_PENDING else 0
        return TransferRequest(id_, kind=kind, pending_id=draw(st.sampled_from(IDS)),
                               amount_minor=amount)
    timeout = draw(st.sampled_from([0, 0, 30, 90])) if kind == TransferKind.PENDING else 0
    return TransferRequest(
        id_, draw(st.sampled_from(ACCOUNTS)), draw(st.sampled_from(ACCOUNTS)),
        draw(st.integers(-1, 400)), "GBP", kind, timeout_s=timeout)


@dataclass(frozen=True)
class Round:
    client_batches: list[list[TransferRequest]]
    advance_s: int


rounds = st.lists(st.builds(
    Round, st.lists(st.lists(transfer_requests(), min_size=1, max_size=6), min_size=1,
                    max_size=4),
    st.sampled_from([0, 0, 20, 45])), min_size=1, max_size=6)


async def check_invariants(ledger: LedgerService, prefix: str) -> None:
    assert await ledger.sum_of_balances_by_currency() == {"GBP": 0}
    accounts = await ledger.lookup_accounts([prefix + a for a in ACCOUNTS])
    assert sum(a.debits_pending for a in accounts.values()) == sum(
        a.credits_pending for a in accounts.values())
    for account_id in CUSTOMERS:
        assert accounts[prefix + account_id].available_minor >= 0, accounts[prefix + account_id]
    journal = await ledger.journal_totals()
    for account in accounts.values():
        assert journal.get(account.id, (0, 0, 0, 0)) == (
            account.debits_posted, account.credits_posted, account.debits_pending,
            account.credits_pending)


async def run_rounds(url: str, plan: list[Round], prefix: str = "") -> None:
    engine = create_bank_engine(url)
    clock = ManualClock()
    ledger = LedgerService(engine, clock)
    own = [prefix + a for a in ACCOUNTS]
    try:
        await ledger.create_accounts(opening_accounts(prefix))
        await ledger.create_transfers([namespaced(
            TransferRequest(f"fund-{i}", "bank", i, 500, "GBP"), prefix) for i in CUSTOMERS])
        accepted: list[TransferRequest] = []
        for round_ in plan:
            batches = [[namespaced(r, prefix) for r in batch] for batch in round_.client_batches]
            outcomes = await asyncio.gather(*(ledger.create_transfers(b) for b in batches))
            for batch, results in zip(batches, outcomes, strict=True):
                assert len(results) == len(batch)
                accepted += [r for r, res in zip(batch, results, strict=True) if res == "ok"]
            clock.advance(round_.advance_s)
            await ledger.void_expired()
            await check_invariants(ledger, prefix)
        before = await ledger.lookup_accounts(own)
        assert set(await ledger.create_transfers(accepted)) <= {TransferResult.EXISTS}
        assert await ledger.lookup_accounts(own) == before
    finally:
        await engine.dispose()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=rounds)
def test_concurrent_random_batches_conserve_money_respect_limits_and_are_idempotent(
        migrated_bank_file: Path, plan: list[Round]) -> None:
    with scratch_bank_file(migrated_bank_file) as path:
        asyncio.run(run_rounds(sqlite_url(path), plan))


@pytest.mark.postgres
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=rounds)
def test_the_same_properties_hold_on_postgresql(postgres_bank_url: str, plan: list[Round]) -> None:
    # One database for all examples: each example works on its own prefixed accounts and ids.
    asyncio.run(run_rounds(postgres_bank_url, plan, prefix=f"x{uuid.uuid4().hex[:6]}-"))


async def sql_results(url: str, batches: list[list[TransferRequest]]) -> list[TransferResult]:
    engine = create_bank_engine(url)
    ledger = LedgerService(engine, ManualClock())
    try:
        await ledger.create_accounts(opening_accounts())
        return [r for batch in batches for r in await ledger.create_transfers(batch)]
    finally:
        await engine.dispose()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batches=st.lists(st.lists(transfer_requests(), min_size=1, max_size=8), min_size=1,
                        max_size=5))
def test_sql_ledger_gives_exactly_the_results_of_the_pure_model(
        migrated_bank_file: Path, batches: list[list[TransferRequest]]) -> None:
    model = LedgerBatch({a.id: a for a in opening_accounts()}, {}, ManualClock().now())
    expected = [model.create(r) for batch in batches for r in batch]
    with scratch_bank_file(migrated_bank_file) as path:
        assert asyncio.run(sql_results(sqlite_url(path), batches)) == expected
