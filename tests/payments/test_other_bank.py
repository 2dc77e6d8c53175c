"""Paying someone at another bank: the payer's bank holds the money, the real interbank scheme
delivers it to the payee's bank and settles (or voids) the hold, and the chat card follows."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing

import pytest

from tests.payments.flows import (
    authorise_at_bank,
    bank_records,
    direct_chat,
    land,
    payment,
    wait_for_cards,
)
from tests.payments.interbank import interbank_stack, receive_at_eastbank
from tests.scheme.clearing import Clearing, sqlite_path
from tests.support.linking import NewUser, PlatformUser, link_bank
from tests.support.stack import Stack

PAY = ("make_payments_i_ask_for",)


@pytest.fixture(scope="module")
def interbank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, Clearing]]:
    with interbank_stack(tmp_path_factory.mktemp("interbank")) as running:
        yield running


@pytest.fixture(scope="module")
def stack(interbank: tuple[Stack, Clearing]) -> Stack:
    return interbank[0]


@pytest.fixture
def clearing(interbank: tuple[Stack, Clearing]) -> Iterator[Clearing]:
    yield interbank[1]
    interbank[1].assert_conserved()


def bank_payment(clearing: Clearing, payment_id: str) -> tuple[str, str | None]:
    """Northbank's own record of the platform's payment: (OB status, ledger transfer id)."""
    records = bank_records(clearing.north.bank, payment_id)
    assert len(records) == 1, records  # one payment at the bank, however often it was asked
    return records[0]


def pay_from_northbank(stack: Stack, alice: PlatformUser, bob: PlatformUser,
                       amount: str) -> tuple[str, str]:
    """Alice pays bob `amount`, authorised at Northbank; returns (chat id, payment id)."""
    chat = direct_chat(alice, bob)
    made = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                           "amount": amount, "note": "lunch"})
    assert made.status_code == 201, made.text
    payment_id = str(made.json()["payment"]["id"])
    landed = land(alice, authorise_at_bank(stack, alice, payment_id, "alice"))
    # The payer's bank has only held the money: the scheme has not settled yet.
    assert "status=pending" in landed.headers["location"], landed.headers
    return chat, payment_id


def available(clearing: Clearing, bank: str, login: str, account_id: str | None = None) -> int:
    member = clearing.north if bank == "northbank" else clearing.east
    ids = [account_id] if account_id else member.bank.account_ids(login)
    return sum(member.bank.available_minor(login, one) for one in ids)


def test_a_payment_to_another_bank_clears_through_the_scheme_and_completes_for_both(
        stack: Stack, clearing: Clearing, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    link_bank(stack, alice, "northbank", PAY, "alice")
    receiving = receive_at_eastbank(stack, bob)
    payer_before = available(clearing, "northbank", "alice")
    payee_before = available(clearing, "eastbank", "bob", receiving["account_id"])

    chat, payment_id = pay_from_northbank(stack, alice, bob, "20.00")
    card = wait_for_cards([alice, bob], chat, payment_id)

    assert card["status"] == "completed" and card["reason"] is None
    assert payment(bob, payment_id)["status"] == "completed"
    status, transfer = bank_payment(clearing, payment_id)
    assert status == "AcceptedSettlementCompleted" and transfer is not None
    scheme_id = clearing.payment_id(transfer)
    assert clearing.state_of(scheme_id) == "settled"
    assert clearing.east.credits_for(scheme_id) == 1
    assert clearing.north.hold_state(transfer) == "posted"
    assert available(clearing, "northbank", "alice") == payer_before - 2000
    assert available(clearing, "eastbank", "bob", receiving["account_id"]) == payee_before + 2000


def test_a_payment_the_payee_bank_refuses_ends_rejected_and_releases_the_hold(
        stack: Stack, clearing: Clearing, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    link_bank(stack, alice, "northbank", PAY, "alice")
    receiving = receive_at_eastbank(stack, bob)
    payer_before = available(clearing, "northbank", "alice")
    closed = receiving["account_id"]
    # Eastbank closes bob's account after he chose it: only the payee bank can know.
    query_write(clearing.east.db, "UPDATE accounts SET status = 'Disabled' WHERE id = ?", closed)
    try:
        chat, payment_id = pay_from_northbank(stack, alice, bob, "12.34")
        card = wait_for_cards([alice, bob], chat, payment_id)
    finally:
        query_write(clearing.east.db, "UPDATE accounts SET status = 'Enabled' WHERE id = ?",
                    closed)

    # The payee bank's reason travels back through the scheme and the payer bank to the card.
    assert (card["status"], card["reason"]) == ("rejected", "The payee's account is closed.")
    assert payment(alice, payment_id)["reason"] == card["reason"]
    status, transfer = bank_payment(clearing, payment_id)
    assert status == "Rejected" and transfer is not None
    scheme_id = clearing.payment_id(transfer)
    assert clearing.state_of(scheme_id) == "voided"
    assert clearing.reject_code_of(scheme_id) == "creditor_account_closed"
    assert clearing.east.credits_for(scheme_id) == 0
    assert clearing.north.hold_state(transfer) == "voided"
    assert available(clearing, "northbank", "alice") == payer_before  # the hold is released


def query_write(url: str, sql: str, *args: str) -> None:
    with closing(sqlite3.connect(sqlite_path(url))) as db, db:
        db.execute(sql, args)
