"""Asking for money: a request paid, one declined, one withdrawn, and a group bill split."""

from __future__ import annotations

from tests.payments.flows import (
    ask_for_money,
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


def test_a_request_is_paid_by_the_payer_at_their_bank(stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(bob, alice)
    request = ask_for_money(bob, chat, alice, "7.50", "cinema")
    assert request["kind"] == "request" and request["expires_at"] is not None
    assert bob.post(f"/api/v1/payments/{request['id']}/authorise", {}).json()["error"][
        "code"] == "not_payer"
    before = total_available(stack, "bob")
    landed = land(alice, authorise_at_bank(stack, alice, request["id"], "alice"))
    assert "status=completed" in landed.headers["location"], landed.headers
    assert total_available(stack, "bob") == before + 750
    assert card_of(bob, chat, request["id"])["status"] == "completed"


def test_a_declined_request_and_a_withdrawn_one_cannot_be_paid(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(bob, alice)

    def ask(amount: str) -> str:
        made = bob.post("/api/v1/payments/requests", {"conversation_id": chat,
                                                      "payer_id": alice.user["id"],
                                                      "amount": amount})
        assert made.status_code == 201, made.text
        return str(made.json()["payment"]["id"])

    declined, withdrawn = ask("3.00"), ask("4.00")
    assert bob.post(f"/api/v1/payments/{declined}/decline").json()["error"]["code"] == "not_payer"
    assert alice.post(f"/api/v1/payments/{declined}/decline").json()["payment"][
        "status"] == "declined"
    assert bob.post(f"/api/v1/payments/{withdrawn}/cancel").json()["payment"][
        "status"] == "cancelled"
    for payment_id in (declined, withdrawn):
        refused = alice.post(f"/api/v1/payments/{payment_id}/authorise", {})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"
        assert card_of(alice, chat, payment_id)["status"] in ("declined", "cancelled")
    again = alice.post(f"/api/v1/payments/{declined}/decline")
    assert again.json()["error"]["code"] == "invalid_state"
    assert payment(bob, declined)["status"] == "declined"


def test_a_group_bill_split_four_ways_is_fully_settled_by_each_payer_once(
        stack: Stack, new_user: NewUser) -> None:
    bob = new_user("Bob Brown")
    payers = [new_user(name) for name in ("Alice Adams", "Carol Cole", "Dan Dunn")]
    ready_to_receive(stack, bob, "bob")
    group = bob.post("/api/v1/conversations/group", {
        "title": "Dinner", "member_ids": [p.user["id"] for p in payers]})
    assert group.status_code == 201, group.text
    chat = group.json()["conversation"]["id"]
    split = bob.post("/api/v1/payments/splits", {
        "conversation_id": chat, "payer_ids": [p.user["id"] for p in payers],
        "total": "100.01", "note": "dinner"})
    assert split.status_code == 201, split.text
    requests = split.json()["payments"]
    assert sorted(r["amount"]["minor"] for r in requests) == [2500, 2500, 2500]
    assert len({r["split_id"] for r in requests}) == 1
    assert {r["payer_id"] for r in requests} == {p.user["id"] for p in payers}
    before = total_available(stack, "bob")
    for paid, payer in enumerate(payers, start=1):
        mine = next(r for r in requests if r["payer_id"] == payer.user["id"])
        landed = land(payer, authorise_at_bank(stack, payer, mine["id"], "alice"))
        assert "status=completed" in landed.headers["location"]
        assert total_available(stack, "bob") == before + 2500 * paid
        again = payer.post(f"/api/v1/payments/{mine['id']}/authorise", {"bank_id": "northbank"})
        assert again.status_code == 409  # a settled share cannot be paid twice
        cards = [card_of(p, chat, r["id"])["status"] for p in payers for r in requests]
        assert cards.count("completed") == 3 * paid and cards.count("draft") == 3 * (3 - paid)
    listed = bob.http.get("/api/v1/payments", params={"conversation_id": chat}).json()
    assert sorted(p["status"] for p in listed["payments"]) == ["completed"] * 3
    assert total_available(stack, "bob") == before + 7500
