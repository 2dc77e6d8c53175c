"""The books' standing-order progress on SQLite and PostgreSQL: one claim per payment however
many runners race, stale claims found, the customer's cancel with its coded refusals."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.books import StandingOrder
from chatbank.bank.books.sql_arrangements import SqlArrangements
from chatbank.bank.books.standing_orders import StandingOrderBook
from chatbank.bank.books.standing_plan import following, occurrence
from chatbank.bank.seed import SeedReport, seed_bank
from chatbank.core.errors import ChatbankError
from tests.bank.conftest import FAST_HASHER, SEED_TODAY

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


async def seeded_order(engine: AsyncEngine) -> tuple[StandingOrderBook, SeedReport,
                                                     StandingOrder]:
    report = await seed_bank(engine, "Sobank", "66", ["alice", "bob"], seed=3,
                             today=SEED_TODAY, password_hasher=FAST_HASHER)
    order = StandingOrder(
        id="dso_book1", account_id=report.customers[0].account_ids[0],
        frequency="IntrvlWkDay:01:03", reference="Rent", first_payment_date=date(2026, 11, 18),
        next_payment_date=date(2026, 11, 25), final_payment_date=None, amount_minor=700,
        currency="GBP", creditor_name="Bob", creditor_sort_code="660000",
        creditor_account_number="12345678", status="Active", number_of_payments=3,
        payments_made=1)
    async with engine.begin() as conn:
        await SqlArrangements(conn).insert_all([order])
    return StandingOrderBook(engine), report, order


async def test_racing_runners_claim_a_payment_once_and_the_order_moves_on(
        any_bank_engine: AsyncEngine) -> None:
    book, _report, order = await seeded_order(any_bank_engine)
    assert [o.id for o in await book.due("dso_", date(2026, 11, 24), 10)] == []
    due = await book.due("dso_", date(2026, 11, 25), 10)
    assert [o.id for o in due] == ["dso_book1"]
    payment = occurrence(due[0], 2, date(2026, 11, 25))
    claims = await asyncio.gather(*(book.claim(due[0], payment, following(order, payment), NOW)
                                    for _ in range(4)))
    won = [c for c in claims if c is not None]
    assert len(won) == 1 and won[0].status == "Processing"
    moved = await book.get(order.id)
    assert moved is not None
    assert (moved.payments_made, moved.next_payment_date) == (2, date(2026, 12, 2))
    assert await book.stale_claims(NOW) == []
    assert await book.stale_claims(NOW + timedelta(seconds=1)) == won
    paid = await book.record(won[0], "tr_1", None, NOW)
    assert (await book.history([order.id])) == [paid]
    after = await book.get(order.id)
    assert after is not None and after.last_payment_date == date(2026, 11, 25)
    assert await book.stale_claims(NOW + timedelta(days=1)) == []


async def test_the_customer_cancels_once_and_nobody_else_can(any_bank_engine: AsyncEngine) -> None:
    book, report, order = await seeded_order(any_bank_engine)
    alice, bob = report.customers
    assert await book.owner(order.id) == alice.customer_id
    assert await book.owner("dso_nobody") is None
    with pytest.raises(ChatbankError) as theirs:
        await book.cancel(bob.customer_id, order.id, NOW)
    assert theirs.value.code == "standing_order_not_found"
    cancelled = await book.cancel(alice.customer_id, order.id, NOW)
    assert (cancelled.status, cancelled.next_payment_date) == ("Inactive", None)
    assert cancelled.cancelled_at == NOW
    with pytest.raises(ChatbankError) as again:
        await book.cancel(alice.customer_id, order.id, NOW)
    assert again.value.code == "standing_order_not_active"
    payment = occurrence(order, 2, date(2026, 11, 25))
    assert await book.claim(order, payment, None, NOW) is None
    assert await book.due("dso_", date(2027, 1, 1), 10) == []


async def test_due_orders_come_a_page_at_a_time_by_date_then_id(
        any_bank_engine: AsyncEngine) -> None:
    book, _report, order = await seeded_order(any_bank_engine)
    others = [replace(order, id=f"dso_book{n}", next_payment_date=day)
              for n, day in ((2, date(2026, 11, 20)), (3, date(2026, 11, 25)),
                             (4, date(2026, 11, 26)))]
    async with any_bank_engine.begin() as conn:
        await SqlArrangements(conn).insert_all(others)
    first = await book.due("dso_", date(2026, 11, 25), 2)
    assert [o.id for o in first] == ["dso_book2", "dso_book1"]
    rest = await book.due("dso_", date(2026, 11, 25), 2, (date(2026, 11, 25), "dso_book1"))
    assert [o.id for o in rest] == ["dso_book3"]
