"""Domestic payments sent at once share SQLite transactions (group commit), yet each gets
exactly the outcome or coded error it gets when the books pay them one by one."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from chatbank.bank.books import Account, BankBooks, DomesticTransferRequest, TransferOutcome
from chatbank.bank.books import payments as one_by_one
from chatbank.bank.db import create_bank_engine
from chatbank.bank.ledger import write_transaction
from chatbank.bank.seed import SeedReport
from chatbank.core.errors import ChatbankError
from tests.bank.conftest import FAST_HASHER, ManualClock, fresh_bank_file, sqlite_url
from tests.bank.test_books_payments import OTHER_BANK_SORT_CODE, accounts_of, booked, pay

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TIMEOUT_S = 3600
Payment = tuple[str, DomesticTransferRequest]


def summary(outcome: TransferOutcome | BaseException) -> tuple[object, ...]:
    if isinstance(outcome, ChatbankError):
        return ("refused", outcome.code)
    assert isinstance(outcome, TransferOutcome), outcome
    return ("paid", outcome.transfer_id, outcome.status, outcome.internal, outcome.replayed,
            outcome.amount_minor)


def mixed_payments(alice: Account, bob: Account) -> list[Payment]:
    to_bob = pay(alice, bob.sort_code, bob.account_number, 2000, "k1")
    return [
        (alice.customer_id, to_bob),
        (alice.customer_id, to_bob),  # the same payment again: replayed
        (alice.customer_id, replace(to_bob, amount_minor=2001)),  # key reused for another
        (bob.customer_id, replace(to_bob, idempotency_id="k2")),  # not bob's account
        (alice.customer_id, pay(alice, bob.sort_code, "00000000", 100, "k3")),  # no such payee
        (alice.customer_id, pay(alice, OTHER_BANK_SORT_CODE, "12345678", 500, "k4")),  # held
        (alice.customer_id, pay(alice, bob.sort_code, bob.account_number, 10**11, "k5")),
        (alice.customer_id, replace(to_bob, idempotency_id="k6", currency="EUR")),
        (alice.customer_id, pay(alice, "12", bob.account_number, 100, "k7")),
        (alice.customer_id, pay(alice, alice.sort_code, alice.account_number, 100, "k8")),
        (bob.customer_id, pay(bob, alice.sort_code, alice.account_number, 300, "k1")),
    ]


async def pay_one_by_one(books: BankBooks, payments: list[Payment]) -> list[tuple[object, ...]]:
    """The reference: each payment in its own transaction, through the one-payment path."""
    outcomes = []
    for customer_id, request in payments:
        try:
            async with write_transaction(books.engine) as conn:
                outcomes.append(summary(await one_by_one.domestic_transfer(
                    conn, customer_id, request, NOW, TIMEOUT_S)))
        except ChatbankError as refused:
            outcomes.append(summary(refused))
    return outcomes


async def test_payments_sent_at_once_get_the_outcomes_of_one_by_one(
        seeded_bank: tuple[Path, SeedReport], tmp_path: Path) -> None:
    template, report = seeded_bank
    results = []
    for together in (False, True):
        engine = create_bank_engine(sqlite_url(fresh_bank_file(template, tmp_path)))
        books = BankBooks(engine, ManualClock(NOW), FAST_HASHER, outbound_timeout_s=TIMEOUT_S)
        try:
            alice = (await accounts_of(books, report, "alice"))[0]
            bob = (await accounts_of(books, report, "bob"))[0]
            payments = mixed_payments(alice, bob)
            if together:
                outcomes = [summary(o) for o in await asyncio.gather(
                    *(books.domestic_transfer(c, r) for c, r in payments),
                    return_exceptions=True)]
            else:
                outcomes = await pay_one_by_one(books, payments)
            lines = await books.transactions(alice.customer_id, alice.id, limit=5)
            results.append((outcomes, await booked(books, alice), await booked(books, bob),
                            [(t.transaction_id, t.amount_minor, t.status) for t in lines.items]))
            assert await books.ledger.sum_of_balances_by_currency() == {"GBP": 0}
        finally:
            await engine.dispose()
    assert results[0] == results[1]
    kinds = [outcome[0] for outcome in results[1][0]]
    assert kinds.count("paid") == 4 and kinds.count("refused") == 7


async def test_concurrent_payments_never_take_an_account_below_its_limit(
        seeded_books: tuple[BankBooks, SeedReport, ManualClock]) -> None:
    books, report, _ = seeded_books
    alice, bob = (await accounts_of(books, report, "alice"))[0], (
        await accounts_of(books, report, "bob"))[0]
    _, available = await booked(books, alice)
    amount = available // 4 + 1  # three fit, a fourth would go past the limit
    outcomes = await asyncio.gather(*(books.domestic_transfer(alice.customer_id, pay(
        alice, bob.sort_code, bob.account_number, amount, f"share-{i}")) for i in range(12)),
        return_exceptions=True)
    paid = [o for o in outcomes if isinstance(o, TransferOutcome)]
    refused = [o for o in outcomes if isinstance(o, ChatbankError)]
    assert len(paid) == 3 and len(refused) == 9
    assert {error.code for error in refused} == {"insufficient_funds"}
    assert (await booked(books, alice))[1] == available - 3 * amount >= 0
    assert await books.ledger.sum_of_balances_by_currency() == {"GBP": 0}


async def test_books_take_payments_again_after_close_and_close_can_be_repeated(
        seeded_books: tuple[BankBooks, SeedReport, ManualClock]) -> None:
    books, report, _ = seeded_books
    alice, bob = (await accounts_of(books, report, "alice"))[0], (
        await accounts_of(books, report, "bob"))[0]
    first = await books.domestic_transfer(alice.customer_id, pay(
        alice, bob.sort_code, bob.account_number, 100, "before-close"))
    await books.close()
    await books.close()  # idempotent, as a shutdown path may call it twice
    second = await books.domestic_transfer(alice.customer_id, pay(
        alice, bob.sort_code, bob.account_number, 100, "after-close"))
    assert (first.replayed, second.replayed) == (False, False)
    assert first.transfer_id != second.transfer_id
    await books.close()
