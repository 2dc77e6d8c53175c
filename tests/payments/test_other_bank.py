"""A payment to someone at another bank: pending (funds held) until the scheme settles it;
the tracker follows it at the payer's bank and the card turns completed for both."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing

import pytest

from chatbank.bank.books import BankBooks, InboundCredit
from chatbank.bank.db import create_bank_engine
from chatbank.bootstrap import build_platform
from tests.contract.banks import RunningBank
from tests.payments.flows import (
    authorise_at_bank,
    card_of,
    direct_chat,
    land,
)
from tests.support.linking import NewUser, PlatformUser, link_bank
from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("two-banks"),
                       ("Northbank", "Southbank")) as running:
        yield running


def last_outbound_ref(bank: RunningBank) -> str:
    path = bank.settings.resolved_database_url.split(":///", 1)[1]
    with closing(sqlite3.connect(path)) as db:
        row = db.execute("SELECT transfer_ref FROM ob_domestic_payments "
                         "ORDER BY created_at DESC LIMIT 1").fetchone()
    return str(row[0])


async def settle_like_the_scheme(payer_bank: RunningBank, payee_bank: RunningBank, ref: str,
                                 sort_code: str, number: str, amount_minor: int) -> None:
    """What the interbank scheme will do: post the payer's hold, credit the payee."""
    for bank, step in ((payer_bank, "post"), (payee_bank, "credit")):
        engine = create_bank_engine(bank.settings.resolved_database_url)
        try:
            books = BankBooks(engine)
            if step == "post":
                await books.post_outbound(ref)
            else:
                await books.credit_inbound(InboundCredit(ref, sort_code, number, amount_minor,
                                                         "GBP", "Alice", "lunch"))
        finally:
            await engine.dispose()


def wait_for_card(user: PlatformUser, chat: str, payment_id: str, status: str) -> None:
    deadline = time.monotonic() + 30
    while card_of(user, chat, payment_id)["status"] != status:
        assert time.monotonic() < deadline, card_of(user, chat, payment_id)
        time.sleep(0.3)


def test_a_payment_to_another_bank_is_followed_until_the_scheme_settles_it(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    link_bank(stack, alice, "northbank", ("make_payments_i_ask_for",), "alice")
    receiving = ready_to_receive_at(stack, bob, "southbank")
    chat = direct_chat(alice, bob)
    pay = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                          "amount": "20.00", "note": "lunch"}).json()["payment"]
    landed = land(alice, authorise_at_bank(stack, alice, pay["id"], "alice"))
    assert "status=pending" in landed.headers["location"], landed.headers
    assert card_of(bob, chat, pay["id"])["status"] == "pending"

    async def resumed_after_restart() -> int:
        platform = await build_platform(stack.settings)
        try:
            assert platform.payments is not None
            return await platform.payments.tracker.resume()
        finally:
            await platform.close()

    assert asyncio.run(resumed_after_restart()) >= 1
    south = stack.banks["southbank"]
    account = next(a for a in south.accounts("bob") if a.id == receiving["account_id"])
    asyncio.run(settle_like_the_scheme(stack.banks["northbank"], south,
                                       last_outbound_ref(stack.banks["northbank"]),
                                       account.sort_code, account.account_number, 2000))
    for user in (alice, bob):
        wait_for_card(user, chat, pay["id"], "completed")


def ready_to_receive_at(stack: Stack, user: PlatformUser, bank_id: str) -> dict[str, str]:
    link_bank(stack, user, bank_id, ("answer_account_questions", "make_payments_i_ask_for"),
              "bob")
    option = user.http.get("/api/v1/payments/receiving-account/options").json()["options"][0]
    chosen = user.http.put("/api/v1/payments/receiving-account", json={
        "link_id": option["link_id"], "account_id": option["account_id"]},
        headers={"X-CSRF-Token": user.csrf})
    assert chosen.status_code == 200, chosen.text
    return dict(chosen.json()["receiving_account"])
