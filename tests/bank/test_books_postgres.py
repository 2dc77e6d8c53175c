"""The books on a real throwaway PostgreSQL: seeding, statements, payments, concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.books import BankBooks, CreditDebit, DomesticTransferRequest, TransferStatus
from chatbank.bank.db import create_bank_engine
from chatbank.bank.seed import SeedReport, seed_bank
from chatbank.core.errors import ChatbankError
from tests.bank.conftest import FAST_HASHER, SEED_TODAY, ManualClock

pytestmark = pytest.mark.postgres
WHOLE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))


@pytest.fixture
async def postgres_engine(postgres_bank_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_bank_engine(postgres_bank_url)
    yield engine
    await engine.dispose()


async def seeded(engine: AsyncEngine) -> tuple[BankBooks, SeedReport]:
    report = await seed_bank(engine, "Pgbank", "77", ["alice", "bob"], seed=5,
                             today=SEED_TODAY, password_hasher=FAST_HASHER)
    return BankBooks(engine, ManualClock(), password_hasher=FAST_HASHER), report


async def test_seeded_postgres_bank_serves_statements_and_balances_the_books(
        postgres_engine: AsyncEngine) -> None:
    books, report = await seeded(postgres_engine)
    alice = report.customers[0]
    assert (await books.authenticate_customer("alice", "bank-demo-pass")).id == alice.customer_id
    current = (await books.list_accounts(alice.customer_id))[0]
    page = await books.transactions(alice.customer_id, current.id, limit=50)
    older = await books.transactions(alice.customer_id, current.id, limit=50,
                                     cursor=page.next_cursor)
    assert not {t.transaction_id for t in page.items} & {t.transaction_id for t in older.items}
    assert page.items[-1].booking_at >= older.items[0].booking_at
    second = await books.statement_slice(alice.customer_id, current.id, WHOLE,
                                         frozenset(CreditDebit), 50, 50)
    assert [t.transaction_id for t in second.items] == [t.transaction_id for t in older.items]
    assert second.total > 100
    assert await books.ledger.sum_of_balances_by_currency() == {"GBP": 0}


async def test_concurrent_payments_on_postgres_never_overdraw(
        postgres_engine: AsyncEngine) -> None:
    books, report = await seeded(postgres_engine)
    alice, bob = report.customers
    source = (await books.list_accounts(alice.customer_id))[0]
    target = (await books.list_accounts(bob.customer_id))[0]
    available = (await books.balances(alice.customer_id, source.id)).available_minor
    share = available // 6 + 1  # only 5 of 8 concurrent payments can fit

    async def attempt(n: int) -> str:
        request = DomesticTransferRequest(f"k{n}", source.id, target.sort_code,
                                          target.account_number, "Bob", share, "GBP", "rent")
        try:
            return (await books.domestic_transfer(alice.customer_id, request)).status.value
        except ChatbankError as error:
            return error.code

    outcomes = await asyncio.gather(*(attempt(n) for n in range(8)))
    assert sorted(outcomes) == ["Booked"] * 5 + ["insufficient_funds"] * 3
    after = await books.balances(alice.customer_id, source.id)
    assert after.available_minor == available - 5 * share >= 0
    assert TransferStatus.BOOKED.value == "Booked"
