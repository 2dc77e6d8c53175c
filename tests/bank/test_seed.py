"""Seeded sandbox banks: deterministic, realistic, and consistent with the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank import seed as seed_module
from chatbank.bank.books import BankBooks, TransactionStatus, demo_totp_secret
from chatbank.bank.db import create_bank_engine
from chatbank.bank.ledger import LedgerService
from chatbank.bank.seed import seed_bank
from chatbank.bank.seeding.history import history_start
from chatbank.core.errors import ChatbankError
from tests.bank.conftest import (
    FAST_HASHER,
    SEED_TODAY,
    fresh_bank_file,
    read_whole_statement,
    sqlite_url,
)

SeedResult = tuple[Path, Any]


async def everything_a_customer_sees(books: BankBooks, customer_id: str) -> list[object]:
    seen: list[object] = [await books.party(customer_id), await books.list_cards(customer_id),
                          await books.beneficiaries(customer_id),
                          await books.standing_orders(customer_id),
                          await books.direct_debits(customer_id),
                          await books.scheduled_payments(customer_id)]
    for account in await books.list_accounts(customer_id):
        seen.append(account)
        balance = await books.balances(customer_id, account.id)
        seen.append((balance.booked_minor, balance.available_minor, balance.credit_line_minor))
        seen.extend(await read_whole_statement(books, customer_id, account.id))
    return seen


async def seed_and_read(engine: AsyncEngine, seed: int) -> list[object]:
    report = await seed_bank(engine, "Eastbank", "40", ["dan"], seed=seed,
                             today=SEED_TODAY, password_hasher=FAST_HASHER)
    books = BankBooks(engine, password_hasher=FAST_HASHER)
    return [await everything_a_customer_sees(books, c.customer_id) for c in report.customers]


async def test_same_seed_gives_identical_banks_and_another_seed_does_not(
        migrated_bank_file: Path, tmp_path: Path) -> None:
    seen = []
    for seed in (3, 3, 4):
        engine = create_bank_engine(sqlite_url(fresh_bank_file(migrated_bank_file, tmp_path)))
        seen.append(await seed_and_read(engine, seed))
        await engine.dispose()
    assert seen[0] == seen[1]
    assert seen[0] != seen[2]


async def test_eighteen_months_with_salary_every_month(seeded_books: Any) -> None:
    books, report, _ = seeded_books
    for customer in report.customers:
        current = (await books.list_accounts(customer.customer_id))[0]
        lines = await read_whole_statement(books, customer.customer_id, current.id)
        assert min(t.booking_at.date() for t in lines) == history_start(SEED_TODAY)
        salary_months = {(t.booking_at.year, t.booking_at.month) for t in lines
                         if t.description.endswith("SALARY") and t.credit_debit == "Credit"}
        assert len(salary_months) == 18
        mccs = {t.merchant_category_code for t in lines if t.merchant_category_code}
        assert {"5411", "5812", "4111", "5814", "4899"} <= mccs
        merchants = {t.merchant_name for t in lines}
        assert {"Tesco", "Netflix", "Spotify", "TfL Travel Charge"} <= merchants
        codes = {t.bank_transaction_code for t in lines}
        assert {"CardPayment", "DirectDebit", "StandingOrder", "FasterPayment",
                "FasterPaymentIn", "CardRefund"} <= codes


async def test_no_seeded_balance_ever_went_below_its_limit(seeded_books: Any) -> None:
    books, report, _ = seeded_books
    for customer in report.customers:
        for account in await books.list_accounts(customer.customer_id):
            limit = (await books.balances(customer.customer_id, account.id)).credit_line_minor
            lines = await read_whole_statement(books, customer.customer_id, account.id)
            booked = [t.balance_after_minor for t in lines
                      if t.status == TransactionStatus.BOOKED]
            assert booked and min(b for b in booked if b is not None) >= -limit


async def test_seeded_books_balance_and_match_the_journal(seeded_books: Any) -> None:
    books, _, _ = seeded_books
    ledger: LedgerService = books.ledger
    assert await ledger.sum_of_balances_by_currency() == {"GBP": 0}
    journal = await ledger.journal_totals()
    accounts = await ledger.lookup_accounts(list(journal))
    for account in accounts.values():
        assert journal[account.id] == (account.debits_posted, account.credits_posted,
                                       account.debits_pending, account.credits_pending)


async def test_seeding_again_skips_existing_customers_and_checks_the_bank(
        migrated_bank_file: Path, tmp_path: Path) -> None:
    engine = create_bank_engine(sqlite_url(fresh_bank_file(migrated_bank_file, tmp_path)))
    try:
        first = await seed_bank(engine, "Westbank", "60", ["bob"], seed=1, today=date(2026, 5, 3),
                                password_hasher=FAST_HASHER)
        assert first.seconds < 10  # well under 2 s on a quiet machine; see the bench report
        again = await seed_bank(engine, "Westbank", "60", ["bob", "erin"], seed=1,
                                today=date(2026, 5, 3), password_hasher=FAST_HASHER)
        assert again.skipped_logins == ["bob"]
        assert [c.login for c in again.customers] == ["erin"]
        for name, prefix, code in (("Other", "60", "bank_mismatch"),
                                   ("Westbank", "6a", "invalid_sort_code_prefix")):
            with pytest.raises(ChatbankError) as caught:
                await seed_bank(engine, name, prefix, ["zoe"], password_hasher=FAST_HASHER)
            assert caught.value.code == code
    finally:
        await engine.dispose()


def test_documented_demo_totp_secrets_are_the_real_ones() -> None:
    for login in ("alice", "bob", "carol", "dan"):
        assert f"{login} {demo_totp_secret(login)}" in (seed_module.__doc__ or "")
