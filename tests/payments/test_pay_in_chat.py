"""Paying someone in a chat: authorised at the payer's own bank, executed exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.payments.flows import (
    authorise_at_bank,
    card_of,
    direct_chat,
    land,
    payment,
    ready_to_receive,
    total_available,
)
from tests.support.linking import NewUser
from tests.support.stack import Stack


def test_same_bank_payment_moves_both_ledgers_once_and_completes_the_card_for_both(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    receiving = ready_to_receive(stack, bob, "bob")
    assert receiving["account"].startswith("••") and len(receiving["account"]) == 6
    chat = direct_chat(alice, bob)
    send = {"conversation_id": chat, "payee_id": bob.user["id"], "amount": "12.34",
            "note": "pizza", "client_id": "send-button-1"}
    made = alice.post("/api/v1/payments", send)
    assert made.status_code == 201, made.text
    pay = made.json()["payment"]
    assert alice.post("/api/v1/payments", send).json()["payment"]["id"] == pay["id"]
    reused = alice.post("/api/v1/payments", {**send, "amount": "12.35"})
    assert (reused.status_code, reused.json()["error"]["code"]) == (409, "client_id_reused")
    assert pay["status"] == "draft" and pay["amount"]["minor"] == 1234
    assert card_of(bob, chat, pay["id"])["payee"]["account"] == receiving["account"]
    alice_before, bob_before = total_available(stack, "alice"), total_available(stack, "bob")

    # Double click: two authorisations; both answered at the bank; only one pays.
    first = authorise_at_bank(stack, alice, pay["id"], "alice")
    second = authorise_at_bank(stack, alice, pay["id"], "alice")
    landed = land(alice, first)
    assert landed.status_code == 303 and "status=completed" in landed.headers["location"]
    again = land(alice, first)  # replayed callback (reload)
    assert "payment_error=authorisation_invalid" in again.headers["location"]
    twin = land(alice, second)
    assert "payment_error=authorisation_invalid" in twin.headers["location"]

    assert total_available(stack, "alice") == alice_before - 1234
    assert total_available(stack, "bob") == bob_before + 1234
    assert payment(alice, pay["id"])["status"] == "completed"
    assert payment(bob, pay["id"])["status"] == "completed"
    for user in (alice, bob):
        card = card_of(user, chat, pay["id"])
        assert card["status"] == "completed" and card["amount"]["display"] == "£12.34"
    log = " | ".join(e["text"] for e in alice.http.get(
        "/api/v1/privacy/access-log").json()["entries"])
    assert "started a payment" in log and "completed" in log, log


def test_refusing_at_the_bank_leaves_a_draft_and_moves_no_money(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(alice, bob)
    pay = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                          "amount": "5.00"}).json()["payment"]
    before = total_available(stack, "alice")
    landed = land(alice, authorise_at_bank(stack, alice, pay["id"], "alice", "deny"))
    assert "status=draft" in landed.headers["location"]
    assert payment(alice, pay["id"])["reason"] == "You said no at the bank."
    assert total_available(stack, "alice") == before


def test_two_bank_answers_landing_at_once_pay_once(stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(alice, bob)
    pay = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                          "amount": "2.22"}).json()["payment"]
    answers = [authorise_at_bank(stack, alice, pay["id"], "alice") for _ in range(2)]
    before = total_available(stack, "bob")
    with ThreadPoolExecutor(max_workers=2) as pool:
        landed = list(pool.map(lambda answer: alice.http.get(
            "/payments/callback", params=answer).headers["location"], answers))
    assert sum("status=completed" in location for location in landed) == 1, landed
    assert total_available(stack, "bob") == before + 222
    assert payment(bob, pay["id"])["status"] == "completed"
