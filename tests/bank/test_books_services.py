"""The books' read services, authentication and cards, on a seeded SQLite bank."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pyotp
import pytest

from chatbank.bank.books import (
    AccountSubtype,
    BankBooks,
    CardStatus,
    TransactionStatus,
)
from chatbank.bank.books.sql_accounts import SqlAccounts
from chatbank.bank.seed import SANDBOX_PASSWORD, SeedReport
from chatbank.core.errors import ChatbankError
from tests.bank.conftest import ManualClock, read_whole_statement

Seeded = tuple[BankBooks, SeedReport, ManualClock]


def customer_id(report: SeedReport, login: str) -> str:
    return next(c.customer_id for c in report.customers if c.login == login)


async def test_customer_logs_in_with_the_sandbox_password(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    customer = await books.authenticate_customer("alice", SANDBOX_PASSWORD)
    assert (customer.id, customer.display_name) == (customer_id(report, "alice"), "Alice Adams")


@pytest.mark.parametrize(("login", "password"), [("alice", "wrong"), ("nobody", "x"),
                                                 ("alice", "")])
async def test_bad_credentials_are_one_error(seeded_books: Seeded, login: str,
                                             password: str) -> None:
    books, _, _ = seeded_books
    with pytest.raises(ChatbankError) as caught:
        await books.authenticate_customer(login, password)
    assert caught.value.code == "invalid_credentials"


async def test_totp_code_is_accepted_once_and_only_for_its_customer(seeded_books: Seeded) -> None:
    books, report, clock = seeded_books
    alice = next(c for c in report.customers if c.login == "alice")
    code = pyotp.TOTP(alice.totp_secret).at(clock.now())
    assert not await books.verify_totp(customer_id(report, "bob"), code) or code == (
        pyotp.TOTP(next(c.totp_secret for c in report.customers if c.login == "bob"))
        .at(clock.now()))
    assert await books.verify_totp(alice.customer_id, code)
    assert not await books.verify_totp(alice.customer_id, code)  # replay
    assert not await books.verify_totp(alice.customer_id, "12345")
    clock.advance(30)
    assert await books.verify_totp(alice.customer_id, pyotp.TOTP(alice.totp_secret)
                                   .at(clock.now()))


async def test_accounts_are_listed_with_their_uk_identification(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice = await books.list_accounts(customer_id(report, "alice"))
    assert [a.subtype for a in alice] == [AccountSubtype.CURRENT_ACCOUNT,
                                          AccountSubtype.SAVINGS, AccountSubtype.CREDIT_CARD]
    assert all(len(a.scheme_identification) == 14 and a.scheme_identification.isdigit()
               and a.sort_code.startswith("20") for a in alice)
    bob = await books.list_accounts(customer_id(report, "bob"))
    assert [a.subtype for a in bob] == [AccountSubtype.CURRENT_ACCOUNT, AccountSubtype.SAVINGS]


async def test_another_customers_account_does_not_exist_for_you(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    bobs = (await books.list_accounts(customer_id(report, "bob")))[0]
    alice_id = customer_id(report, "alice")
    for call in (books.get_account(alice_id, bobs.id), books.balances(alice_id, bobs.id),
                 books.transactions(alice_id, bobs.id), books.standing_orders(alice_id, bobs.id)):
        with pytest.raises(ChatbankError) as caught:
            await call
        assert caught.value.code == "account_not_found"


async def test_balances_show_booked_available_and_credit_line(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice_id = customer_id(report, "alice")
    current, _, card = await books.list_accounts(alice_id)
    balance = await books.balances(alice_id, current.id)
    assert balance.available_minor == (balance.booked_minor - balance.pending_debits_minor
                                       + balance.credit_line_minor)
    assert balance.pending_debits_minor > 0  # today's card authorisations
    card_balance = await books.balances(alice_id, card.id)
    assert card_balance.credit_line_minor == 300_000
    assert card_balance.booked_minor <= 0


async def test_statement_pages_cover_every_line_once_newest_first(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice_id = customer_id(report, "alice")
    current = (await books.list_accounts(alice_id))[0]
    everything = await read_whole_statement(books, alice_id, current.id, 1000)
    paged = await read_whole_statement(books, alice_id, current.id, 97)
    assert [t.transaction_id for t in paged] == [t.transaction_id for t in everything]
    assert len({t.transaction_id for t in paged}) == len(paged) > 900
    moments = [t.booking_at for t in paged]
    assert moments == sorted(moments, reverse=True)
    assert {t.status for t in paged[:2]} == {TransactionStatus.PENDING}


async def test_running_balance_follows_each_booked_line(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice_id = customer_id(report, "alice")
    current = (await books.list_accounts(alice_id))[0]
    lines = [t for t in await read_whole_statement(books, alice_id, current.id, 1000)
             if t.status == TransactionStatus.BOOKED]
    for newer, older in pairwise(lines):
        assert newer.balance_after_minor is not None and older.balance_after_minor is not None
        signed = newer.amount_minor if newer.credit_debit == "Credit" else -newer.amount_minor
        assert newer.balance_after_minor == older.balance_after_minor + signed
    booked = await books.balances(alice_id, current.id)
    assert lines[0].balance_after_minor == booked.booked_minor


async def test_statement_window_and_bad_paging_inputs(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice_id = customer_id(report, "alice")
    current = (await books.list_accounts(alice_id))[0]
    october = await books.transactions(
        alice_id, current.id, datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2026, 11, 1, tzinfo=UTC), limit=1000)
    assert october.items and all(t.booking_at.month == 10 for t in october.items)
    for kwargs, code in (({"cursor": "bm90LWEtY3Vyc29y"}, "invalid_cursor"),
                         ({"limit": 0}, "invalid_limit"),
                         ({"from_dt": datetime(2026, 2, 1, tzinfo=UTC),
                           "to_dt": datetime(2026, 1, 1, tzinfo=UTC)}, "invalid_date_range")):
        with pytest.raises(ChatbankError) as caught:
            await books.transactions(alice_id, current.id, **kwargs)  # type: ignore[arg-type]
        assert caught.value.code == code


async def test_arrangements_and_party_are_the_customers_own(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice_id = customer_id(report, "alice")
    current = (await books.list_accounts(alice_id))[0]
    assert len(await books.beneficiaries(alice_id)) == 4
    orders = await books.standing_orders(alice_id, current.id)
    assert {o.reference for o in orders} == {"RENT", "SAVINGS"}
    debits = await books.direct_debits(alice_id)
    assert {"Octopus Energy DD", "Thames Water DD"} <= {f"{d.originator_name} DD"
                                                          for d in debits}
    assert all(p.execution_date > datetime(2026, 11, 25).date()
               for p in await books.scheduled_payments(alice_id))
    party = await books.party(alice_id)
    assert (party.name, party.email) == ("Alice Adams", "alice@example.com")


async def test_freeze_and_unfreeze_a_card_idempotently(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice_id = customer_id(report, "alice")
    debit_card = (await books.list_cards(alice_id))[0]
    assert (await books.freeze_card(alice_id, debit_card.id)).status == CardStatus.FROZEN
    assert (await books.freeze_card(alice_id, debit_card.id)).status == CardStatus.FROZEN
    assert (await books.unfreeze_card(alice_id, debit_card.id)).status == CardStatus.ACTIVE
    with pytest.raises(ChatbankError) as caught:
        await books.freeze_card(customer_id(report, "bob"), debit_card.id)
    assert caught.value.code == "card_not_found"


async def test_a_lost_card_cannot_be_unfrozen(seeded_books: Seeded) -> None:
    books, report, clock = seeded_books
    alice_id = customer_id(report, "alice")
    card = (await books.list_cards(alice_id))[0]
    async with books.engine.begin() as conn:
        await SqlAccounts(conn).set_card_status(card.id, CardStatus.LOST, clock.now())
    with pytest.raises(ChatbankError) as caught:
        await books.unfreeze_card(alice_id, card.id)
    assert caught.value.code == "card_blocked"
