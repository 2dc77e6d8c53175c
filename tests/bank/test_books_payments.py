"""Domestic transfers, outbound settlement through the scheme, and inbound credits."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chatbank.bank.books import (
    Account,
    BankBooks,
    DomesticTransferRequest,
    InboundCredit,
    TransactionStatus,
    TransferStatus,
)
from chatbank.bank.seed import SeedReport
from chatbank.core.errors import ChatbankError
from tests.bank.conftest import ManualClock

Seeded = tuple[BankBooks, SeedReport, ManualClock]
OTHER_BANK_SORT_CODE = "309634"


async def accounts_of(books: BankBooks, report: SeedReport, login: str) -> list[Account]:
    customer = next(c.customer_id for c in report.customers if c.login == login)
    return await books.list_accounts(customer)


def pay(source: Account, sort_code: str, number: str, amount: int,
        key: str = "key-1") -> DomesticTransferRequest:
    return DomesticTransferRequest(key, source.id, sort_code, number, "Payee", amount, "GBP",
                                   "pizza")


async def booked(books: BankBooks, account: Account) -> tuple[int, int]:
    balance = await books.balances(account.customer_id, account.id)
    return balance.booked_minor, balance.available_minor


async def test_same_bank_transfer_is_booked_once_however_often_it_is_sent(
        seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice, bob = (await accounts_of(books, report, "alice"))[0], (
        await accounts_of(books, report, "bob"))[0]
    alice_before, bob_before = await booked(books, alice), await booked(books, bob)
    request = pay(alice, bob.sort_code, bob.account_number, 2000)
    first = await books.domestic_transfer(alice.customer_id, request)
    again = await books.domestic_transfer(alice.customer_id, request)
    assert (first.status, first.internal, first.replayed) == (TransferStatus.BOOKED, True, False)
    assert (again.transfer_id, again.replayed) == (first.transfer_id, True)
    assert (await booked(books, alice))[0] == alice_before[0] - 2000
    assert (await booked(books, bob))[0] == bob_before[0] + 2000
    bob_line = (await books.transactions(bob.customer_id, bob.id, limit=3)).items[0]
    assert (bob_line.transaction_id, bob_line.credit_debit, bob_line.counterparty_name) == (
        first.transfer_id, "Credit", "Alice Adams")


@pytest.mark.parametrize(("change", "code"), [
    ({"amount_minor": 2001}, "idempotency_key_reused"),
    ({"creditor_account_number": "00000000"}, "creditor_account_not_found"),
])
async def test_reusing_a_key_for_another_payment_is_refused(
        seeded_books: Seeded, change: dict[str, object], code: str) -> None:
    books, report, _ = seeded_books
    alice, bob = (await accounts_of(books, report, "alice"))[0], (
        await accounts_of(books, report, "bob"))[0]
    request = pay(alice, bob.sort_code, bob.account_number, 2000)
    await books.domestic_transfer(alice.customer_id, request)
    before = await booked(books, alice)
    with pytest.raises(ChatbankError) as caught:
        await books.domestic_transfer(alice.customer_id, replace(request, **change))  # type: ignore[arg-type]
    assert caught.value.code == code
    assert await booked(books, alice) == before


@pytest.mark.parametrize(("change", "code"), [
    ({"amount_minor": 10**9}, "insufficient_funds"),
    ({"amount_minor": 0}, "amount_must_be_positive"),
    ({"amount_minor": -5}, "amount_must_be_positive"),
    ({"currency": "XXX"}, "unknown_currency"),
    ({"currency": "EUR"}, "currency_mismatch"),
    ({"creditor_sort_code": "12-34-56"}, "invalid_sort_code"),
    ({"creditor_account_number": "123"}, "invalid_account_number"),
    ({"reference": "x" * 36}, "invalid_reference"),
    ({"idempotency_id": ""}, "invalid_idempotency_id"),
    ({"from_account_id": "acc_nope"}, "account_not_found"),
])
async def test_bad_payment_requests_have_codes_and_move_nothing(
        seeded_books: Seeded, change: dict[str, object], code: str) -> None:
    books, report, _ = seeded_books
    alice, bob = (await accounts_of(books, report, "alice"))[0], (
        await accounts_of(books, report, "bob"))[0]
    before = await booked(books, alice), await booked(books, bob)
    request = replace(pay(alice, bob.sort_code, bob.account_number, 2000), **change)  # type: ignore[arg-type]
    with pytest.raises(ChatbankError) as caught:
        await books.domestic_transfer(alice.customer_id, request)
    assert caught.value.code == code
    assert (await booked(books, alice), await booked(books, bob)) == before


async def test_paying_from_someone_elses_account_is_account_not_found(
        seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice, bob = (await accounts_of(books, report, "alice"))[0], (
        await accounts_of(books, report, "bob"))[0]
    with pytest.raises(ChatbankError) as caught:
        await books.domestic_transfer(bob.customer_id, pay(alice, bob.sort_code,
                                                           bob.account_number, 100))
    assert caught.value.code == "account_not_found"


async def test_other_bank_payment_holds_funds_until_the_scheme_settles(
        seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    alice = (await accounts_of(books, report, "alice"))[0]
    booked_before, available_before = await booked(books, alice)
    held = await books.domestic_transfer(alice.customer_id,
                                         pay(alice, OTHER_BANK_SORT_CODE, "12345678", 5000))
    assert (held.status, held.internal) == (TransferStatus.PENDING, False)
    assert await booked(books, alice) == (booked_before, available_before - 5000)
    line = (await books.transactions(alice.customer_id, alice.id, limit=1)).items[0]
    assert (line.transaction_id, line.status) == (held.transfer_id, TransactionStatus.PENDING)
    settled = await books.post_outbound(held.transfer_id)
    assert settled.status == TransferStatus.SETTLED
    assert (await books.post_outbound(held.transfer_id)).status == TransferStatus.SETTLED
    assert await booked(books, alice) == (booked_before - 5000, available_before - 5000)
    lines = (await books.transactions(alice.customer_id, alice.id, limit=5)).items
    assert lines[0].status == TransactionStatus.BOOKED and lines[0].amount_minor == 5000
    assert held.transfer_id not in {t.transaction_id for t in lines}
    with pytest.raises(ChatbankError) as caught:
        await books.void_outbound(held.transfer_id)
    assert caught.value.code == "transfer_already_settled"
    assert (await books.transfer_outcome(held.transfer_id)).status == TransferStatus.SETTLED


async def test_rejected_or_expired_outbound_payment_releases_the_hold(
        seeded_books: Seeded) -> None:
    books, report, clock = seeded_books
    alice = (await accounts_of(books, report, "alice"))[0]
    before = await booked(books, alice)
    rejected = await books.domestic_transfer(
        alice.customer_id, pay(alice, OTHER_BANK_SORT_CODE, "12345678", 700, "k-1"))
    assert (await books.void_outbound(rejected.transfer_id)).status == TransferStatus.REJECTED
    forgotten = await books.domestic_transfer(
        alice.customer_id, pay(alice, OTHER_BANK_SORT_CODE, "12345678", 900, "k-2"))
    clock.advance(books.outbound_timeout_s + 1)
    # Past its timeout a scheme hold is not released on the clock: only on the scheme's word.
    assert forgotten.transfer_id not in await books.release_expired_holds()
    assert (await books.transfer_outcome(forgotten.transfer_id)).status == TransferStatus.PENDING
    assert (await books.void_outbound(forgotten.transfer_id)).status == TransferStatus.REJECTED
    assert await booked(books, alice) == before
    with pytest.raises(ChatbankError) as caught:
        await books.post_outbound(forgotten.transfer_id)
    assert caught.value.code == "transfer_already_rejected"
    assert await books.ledger.sum_of_balances_by_currency() == {"GBP": 0}


async def test_inbound_credit_is_booked_once(seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    bob = (await accounts_of(books, report, "bob"))[0]
    before = (await booked(books, bob))[0]
    credit = InboundCredit("scheme-42", bob.sort_code, bob.account_number, 1234, "GBP",
                           "Dana Doe", "rent share")
    first = await books.credit_inbound(credit)
    assert (await books.credit_inbound(credit)).replayed
    assert (await booked(books, bob))[0] == before + 1234
    line = (await books.transactions(bob.customer_id, bob.id, limit=1)).items[0]
    assert (line.transaction_id, line.counterparty_name) == (first.transfer_id, "Dana Doe")
    with pytest.raises(ChatbankError) as caught:
        await books.credit_inbound(replace(credit, transfer_id="scheme-43",
                                           creditor_account_number="00000000"))
    assert caught.value.code == "creditor_account_not_found"


async def test_moving_money_between_own_accounts_and_not_to_the_same_one(
        seeded_books: Seeded) -> None:
    books, report, _ = seeded_books
    current, savings, _ = await accounts_of(books, report, "alice")
    before = (await booked(books, savings))[0]
    await books.domestic_transfer(current.customer_id, pay(
        current, savings.sort_code, savings.account_number, 10_000))
    assert (await booked(books, savings))[0] == before + 10_000
    with pytest.raises(ChatbankError) as caught:
        await books.domestic_transfer(current.customer_id, pay(
            current, current.sort_code, current.account_number, 100, "key-2"))
    assert caught.value.code == "same_account"
