"""The ledger on a real database: SQLite file, and PostgreSQL for the `postgres` parameter."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.ledger import (
    AccountKind,
    LedgerAccount,
    LedgerService,
    PendingState,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from tests.bank.conftest import ManualClock

R = TransferResult


async def open_ledger(engine: AsyncEngine, clock: ManualClock | None = None,
                      customers: int = 3, overdraft_minor: int = 0) -> LedgerService:
    ledger = LedgerService(engine, clock or ManualClock())
    await ledger.create_accounts(
        [LedgerAccount("bank", "GBP", AccountKind.SETTLEMENT)]
        + [LedgerAccount(f"c{i}", "GBP", AccountKind.CUSTOMER,
                         overdraft_limit_minor=overdraft_minor) for i in range(customers)])
    return ledger


async def assert_books_balance(ledger: LedgerService) -> None:
    assert set((await ledger.sum_of_balances_by_currency()).values()) <= {0}
    accounts = await ledger.lookup_accounts(["bank", "c0", "c1", "c2"])
    journal = await ledger.journal_totals()
    for account in accounts.values():
        totals = (account.debits_posted, account.credits_posted, account.debits_pending,
                  account.credits_pending)
        assert journal.get(account.id, (0, 0, 0, 0)) == totals


async def test_a_batch_is_applied_in_order_in_one_transaction(
        any_bank_engine: AsyncEngine) -> None:
    ledger = await open_ledger(any_bank_engine)
    results = await ledger.create_transfers([
        TransferRequest("fund", "bank", "c0", 1000, "GBP"),
        TransferRequest("spend", "c0", "c1", 1000, "GBP"),
        TransferRequest("again", "c0", "c1", 1, "GBP"),
        TransferRequest("fund", "bank", "c0", 1000, "GBP"),
    ])
    assert results == [R.OK, R.OK, R.EXCEEDS_CREDITS, R.EXISTS]
    accounts = await ledger.lookup_accounts(["c0", "c1"])
    assert (accounts["c0"].booked_minor, accounts["c1"].booked_minor) == (0, 1000)
    await assert_books_balance(ledger)


async def test_retry_with_same_id_is_idempotent_across_transactions(
        any_bank_engine: AsyncEngine) -> None:
    ledger = await open_ledger(any_bank_engine)
    first = TransferRequest("t1", "bank", "c0", 250, "GBP", code=7)
    assert await ledger.create_transfer(first) == R.OK
    assert await ledger.create_transfer(first) == R.EXISTS
    changed = TransferRequest("t1", "bank", "c0", 251, "GBP", code=7)
    assert await ledger.create_transfer(changed) == R.EXISTS_WITH_DIFFERENT_AMOUNT
    assert (await ledger.lookup_accounts(["c0"]))["c0"].booked_minor == 250


async def test_two_phase_post_and_void_and_expiry(any_bank_engine: AsyncEngine) -> None:
    clock = ManualClock()
    ledger = await open_ledger(any_bank_engine, clock)
    await ledger.create_transfer(TransferRequest("fund", "bank", "c0", 1000, "GBP"))
    assert await ledger.create_transfers([
        TransferRequest("p1", "c0", "c1", 300, "GBP", TransferKind.PENDING, timeout_s=60),
        TransferRequest("p2", "c0", "c1", 300, "GBP", TransferKind.PENDING, timeout_s=60),
        TransferRequest("p3", "c0", "c1", 300, "GBP", TransferKind.PENDING, timeout_s=60),
        TransferRequest("p4", "c0", "c1", 300, "GBP", TransferKind.PENDING, timeout_s=60),
    ]) == [R.OK, R.OK, R.OK, R.EXCEEDS_CREDITS]
    assert await ledger.create_transfers([
        TransferRequest("p1:post", pending_id="p1", kind=TransferKind.POST_PENDING),
        TransferRequest("p2:void", pending_id="p2", kind=TransferKind.VOID_PENDING),
        TransferRequest("p1:post", pending_id="p1", kind=TransferKind.POST_PENDING),
    ]) == [R.OK, R.OK, R.EXISTS]
    clock.advance(61)
    assert await ledger.void_expired(keep_codes=frozenset({0})) == []  # their owner decides
    assert await ledger.void_expired() == ["p3"]
    assert await ledger.void_expired() == []
    assert await ledger.create_transfer(TransferRequest(
        "p3:post", pending_id="p3", kind=TransferKind.POST_PENDING)) == (
        R.PENDING_TRANSFER_EXPIRED)
    c0 = (await ledger.lookup_accounts(["c0"]))["c0"]
    assert (c0.booked_minor, c0.available_minor, c0.debits_pending) == (700, 700, 0)
    states = await ledger.lookup_transfers(["p1", "p2", "p3"])
    assert [states[i].state for i in ("p1", "p2", "p3")] == [
        PendingState.POSTED, PendingState.VOIDED, PendingState.EXPIRED]
    await assert_books_balance(ledger)


async def test_concurrent_clients_never_overdraw_and_never_double_apply(
        any_bank_engine: AsyncEngine) -> None:
    ledger = await open_ledger(any_bank_engine)
    await ledger.create_transfer(TransferRequest("fund", "bank", "c0", 1000, "GBP"))

    async def client(n: int) -> list[TransferResult]:
        # Every client tries the same 20 transfers of 100 (ids shared): exactly 10 fit.
        return await ledger.create_transfers(
            [TransferRequest(f"spend-{i}", "c0", "c1", 100, "GBP")
             for i in range(n % 2, 20, 2)])

    outcomes = await asyncio.gather(*(client(n) for n in range(8)))
    flat = [r for results in outcomes for r in results]
    assert set(flat) <= {R.OK, R.EXISTS, R.EXCEEDS_CREDITS}
    assert flat.count(R.OK) == 10
    c0 = (await ledger.lookup_accounts(["c0"]))["c0"]
    assert c0.booked_minor == 0
    await assert_books_balance(ledger)
