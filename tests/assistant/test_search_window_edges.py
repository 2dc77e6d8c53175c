"""The days a search covers are whole: the bank reads [fromBookingDateTime, toBookingDateTime),
so the assistant asks up to the next day's midnight and a line booked in the last second of the
last day is found (it was lost when the end was sent as 23:59:59)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

import pytest

from chatbank.assistant.skills.periods import Window
from chatbank.bank.books import AccountSubtype
from tests.assistant.story_steps import Chat, linked_chat, pounds, rows
from tests.support.stack import Stack


@pytest.fixture(scope="module")
def chat(stack: Stack) -> Iterator[Chat]:
    yield from linked_chat(stack)


def move_a_tesco_line_to(stack: Stack, moment: datetime) -> int:
    """Re-book one of Alice's Tesco card payments at `moment`; returns its amount (minor)."""
    bank = stack.banks["northbank"]
    current = next(a for a in bank.accounts("alice") if a.subtype is AccountSubtype.CURRENT_ACCOUNT)
    path = bank.settings.resolved_database_url.split(":///", 1)[1]
    with closing(sqlite3.connect(path)) as db, db:
        transfer_id, amount = db.execute(
            "SELECT d.transfer_id, t.amount_minor FROM transaction_details d JOIN "
            "ledger_transfers t ON t.id = d.transfer_id WHERE d.merchant_name = 'Tesco' AND "
            "t.debit_account_id = ? ORDER BY d.booking_at LIMIT 1",
            (current.ledger_account_id,)).fetchone()
        db.execute("UPDATE transaction_details SET booking_at = ?, value_at = ? "
                   "WHERE transfer_id = ?", (f"{moment:%Y-%m-%d %H:%M:%S.%f}",) * 2 +
                   (transfer_id,))
    return int(amount)


def test_the_bank_is_asked_for_whole_days_with_an_exclusive_end() -> None:
    assert Window(date(2026, 10, 1), date(2026, 10, 31)).bank_params() == {
        "fromBookingDateTime": "2026-10-01T00:00:00Z",
        "toBookingDateTime": "2026-11-01T00:00:00Z"}


def test_a_payment_in_the_last_second_of_the_last_day_is_found(stack: Stack, chat: Chat) -> None:
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    last_second = datetime.combine(yesterday, datetime.max.time()).replace(microsecond=500_000)
    amount = move_a_tesco_line_to(stack, last_second)
    shown = chat.card("show my Tesco transactions yesterday")
    assert shown["title"] == "Transactions at Tesco", shown
    lines = {label: pounds(value) for label, value in rows(shown).items() if label != "Total"}
    assert f"{yesterday.day} {yesterday:%b} · Tesco" in " ".join(lines), lines
    assert -amount in lines.values(), lines
