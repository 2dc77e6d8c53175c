"""Numbered statement pages (OB `/transactions?page=N`) cut by the database, not in Python."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.dialects import sqlite

from chatbank.bank.books import BankBooks, CreditDebit
from chatbank.bank.books.sql_statement import slice_query
from chatbank.bank.seed import SeedReport
from chatbank.core.errors import ChatbankError
from tests.bank.conftest import ManualClock, read_whole_statement

Seeded = tuple[BankBooks, SeedReport, ManualClock]
WHOLE = (datetime(1970, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC))
OCTOBER = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC))
BOTH = frozenset(CreditDebit)


def alice(report: SeedReport) -> str:
    return next(c.customer_id for c in report.customers if c.login == "alice")


@pytest.mark.parametrize("sides", [BOTH, frozenset({CreditDebit.DEBIT}),
                                   frozenset({CreditDebit.CREDIT})])
@pytest.mark.parametrize("window", [WHOLE, OCTOBER])
async def test_numbered_pages_of_a_side_add_up_to_its_lines_in_the_window(
    seeded_books: Seeded, sides: frozenset[CreditDebit], window: tuple[datetime, datetime],
) -> None:
    books, report, _ = seeded_books
    customer = alice(report)
    current = (await books.list_accounts(customer))[0]
    expected = [t.transaction_id for t in await read_whole_statement(books, customer, current.id)
                if t.credit_debit in sides and window[0] <= t.booking_at < window[1]]
    paged: list[str] = []
    totals: set[int] = set()
    offset = 0
    while True:
        page = await books.statement_slice(customer, current.id, window, sides, 37, offset)
        totals.add(page.total)
        if not page.items:
            break
        assert len(page.items) <= 37
        paged += [t.transaction_id for t in page.items]
        offset += 37
    assert expected, "the seeded history should have lines on this side in the window"
    assert paged == expected
    assert totals == {len(expected)}


async def test_a_page_past_the_end_is_empty_but_still_counts_the_window(
        seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    customer = alice(report)
    current = (await books.list_accounts(customer))[0]
    first = await books.statement_slice(customer, current.id, OCTOBER, BOTH, 25, 0)
    beyond = await books.statement_slice(customer, current.id, OCTOBER, BOTH, 25, first.total)
    assert len(first.items) == 25 < first.total
    assert (beyond.items, beyond.total) == ([], first.total)
    nothing = await books.statement_slice(customer, current.id, OCTOBER, frozenset(), 25, 0)
    assert (nothing.items, nothing.total) == ([], 0)


async def test_slices_refuse_bad_sizes_and_other_customers_accounts(
        seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    bob = next(c.customer_id for c in report.customers if c.login == "bob")
    current = (await books.list_accounts(alice(report)))[0]
    for customer, limit, offset, code in ((alice(report), 0, 0, "invalid_limit"),
                                          (alice(report), 25, -1, "invalid_limit"),
                                          (bob, 25, 0, "account_not_found")):
        with pytest.raises(ChatbankError) as caught:
            await books.statement_slice(customer, current.id, OCTOBER, BOTH, limit, offset)
        assert caught.value.code == code


def test_a_statement_page_is_found_through_the_accounts_indexes(
        seeded_bank: tuple[Path, SeedReport]) -> None:
    query = slice_query("some-ledger-account", OCTOBER, BOTH, 25, 50)
    compiled = query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    with sqlite3.connect(f"file:{seeded_bank[0]}?mode=ro", uri=True) as db:
        plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {compiled}")]
    assert not any(step.startswith("SCAN") and "ledger_transfers" in step for step in plan), plan
    assert any("ix_ledger_transfers_debit" in step for step in plan), plan
