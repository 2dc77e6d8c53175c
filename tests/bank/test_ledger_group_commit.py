"""Group commit on a real SQLite file: concurrent single transfers share transactions, yet each
is checked on its own, gets its own result, and the books behave exactly as if they had been
applied one by one in the order they were asked for."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.db import create_bank_engine
from chatbank.bank.ledger import LedgerBatch, LedgerService, TransferRequest, TransferResult
from chatbank.bank.ledger.group_commit import GroupCommitLedger
from tests.bank.conftest import ManualClock, scratch_bank_file, sqlite_url
from tests.bank.test_ledger_properties import opening_accounts, transfer_requests
from tests.bank.test_ledger_sql import assert_books_balance, open_ledger

R = TransferResult


@pytest.fixture
async def group(bank_url: str, bank_engine: AsyncEngine) -> AsyncIterator[GroupCommitLedger]:
    """A group-commit writer on a bank whose c0 holds 1,000 and c1, c2 hold nothing."""
    ledger = await open_ledger(bank_engine)
    assert await ledger.create_transfer(TransferRequest("fund", "bank", "c0", 1000, "GBP")) == R.OK
    await ledger.close()
    writer = GroupCommitLedger(bank_url.split(":///", 1)[1], ManualClock())
    yield writer
    await writer.close()


async def test_concurrent_single_transfers_share_commits_and_never_overdraw(
        group: GroupCommitLedger, bank_engine: AsyncEngine) -> None:
    results = await asyncio.gather(*(group.create_transfer(
        TransferRequest(f"t{i}", "c0", "c1", 100, "GBP")) for i in range(30)))
    assert results == [R.OK] * 10 + [R.EXCEEDS_CREDITS] * 20
    assert 1 <= group.commits < 30
    ledger = LedgerService(bank_engine)
    accounts = await ledger.lookup_accounts(["c0", "c1"])
    assert (accounts["c0"].booked_minor, accounts["c1"].booked_minor) == (0, 1000)
    assert set(await ledger.lookup_transfers([f"t{i}" for i in range(30)])) == {
        f"t{i}" for i in range(10)}
    await assert_books_balance(ledger)


async def test_one_id_sent_three_times_at_once_moves_money_once(
        group: GroupCommitLedger, bank_engine: AsyncEngine) -> None:
    first = TransferRequest("pay-1", "c0", "c2", 250, "GBP")
    changed = TransferRequest("pay-1", "c0", "c2", 999, "GBP")
    assert await asyncio.gather(group.create_transfer(first), group.create_transfer(first),
                                group.create_transfer(changed)) == [
        R.OK, R.EXISTS, R.EXISTS_WITH_DIFFERENT_AMOUNT]
    ledger = LedgerService(bank_engine)
    assert (await ledger.lookup_accounts(["c2"]))["c2"].booked_minor == 250
    await assert_books_balance(ledger)


async def test_a_request_the_database_refuses_fails_alone_and_the_others_commit(
        group: GroupCommitLedger, bank_engine: AsyncEngine) -> None:
    # A code beyond SQLite's 64-bit integers passes the ledger's rules but not the driver.
    unstorable = TransferRequest("bad", "c0", "c1", 10, "GBP", code=2**70)
    outcomes = await asyncio.gather(
        group.create_transfer(TransferRequest("good-1", "c0", "c1", 10, "GBP")),
        group.create_transfer(unstorable),
        group.create_transfer(TransferRequest("good-2", "c0", "c2", 20, "GBP")),
        return_exceptions=True)
    assert outcomes[0] == R.OK and outcomes[2] == R.OK
    assert isinstance(outcomes[1], OverflowError)
    ledger = LedgerService(bank_engine)
    assert set(await ledger.lookup_transfers(["good-1", "bad", "good-2"])) == {"good-1", "good-2"}
    assert (await ledger.lookup_accounts(["c0"]))["c0"].booked_minor == 970
    await assert_books_balance(ledger)


async def concurrent_single_results(url: str, requests: list[TransferRequest]) -> list[R]:
    engine = create_bank_engine(url)
    ledger = LedgerService(engine, ManualClock())
    try:
        await ledger.create_accounts(opening_accounts())
        return list(await asyncio.gather(*(ledger.create_transfer(r) for r in requests)))
    finally:
        await ledger.close()
        await engine.dispose()


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(requests=st.lists(transfer_requests(), min_size=1, max_size=40))
def test_concurrent_single_transfers_give_exactly_the_results_of_one_by_one(
        migrated_bank_file: Path, requests: list[TransferRequest]) -> None:
    model = LedgerBatch({a.id: a for a in opening_accounts()}, {}, ManualClock().now())
    expected = [model.create(r) for r in requests]
    with scratch_bank_file(migrated_bank_file) as path:
        assert asyncio.run(concurrent_single_results(sqlite_url(path), requests)) == expected
