"""A receipt card for each completed payment: both people see the amount, who paid whom (the
payee's account masked), the bank's reference and when it was paid; nothing before that."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from typing import Any

from tests.payments.flows import authorise_at_bank, direct_chat, land, payment, ready_to_receive
from tests.support.linking import NewUser, PlatformUser
from tests.support.stack import Stack

RECEIPT = "payment.receipt"


def receipts(user: PlatformUser, chat: str) -> list[dict[str, Any]]:
    messages = user.http.get(f"/api/v1/conversations/{chat}/messages",
                             params={"limit": 100}).json()["messages"]
    return [m for m in messages if m.get("card") and m["card"]["kind"] == RECEIPT]


def bank_payment_id(stack: Stack, payment_id: str) -> str:
    """The payer bank's own id for the domestic payment (what the receipt calls its reference)."""
    bank = stack.banks["northbank"]
    path = bank.settings.resolved_database_url.split(":///", 1)[1]
    with closing(sqlite3.connect(path)) as db:
        (found,) = db.execute("SELECT payment_id FROM ob_domestic_payments WHERE json_extract("
                              "initiation, '$.InstructionIdentification') = ?",
                              (payment_id[:35],)).fetchall()
    return str(found[0])


def test_a_completed_payment_posts_one_receipt_that_both_people_see(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    receiving = ready_to_receive(stack, bob, "bob")
    chat = direct_chat(alice, bob)
    pay = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                          "amount": "7.45", "note": "pizza"}).json()["payment"]
    started = authorise_at_bank(stack, alice, pay["id"], "alice")
    assert receipts(alice, chat) == receipts(bob, chat) == []  # nothing before it completes
    landed = land(alice, started)
    assert "status=completed" in landed.headers["location"], landed.headers
    done = payment(alice, pay["id"])

    (mine,), (theirs,) = receipts(alice, chat), receipts(bob, chat)
    assert mine == theirs and mine["sender_id"] == alice.user["id"]
    shown = mine["card"]["payload"]
    assert shown == {
        "payment_id": pay["id"],
        "amount": {"minor": 745, "currency": "GBP", "display": "£7.45"}, "note": "pizza",
        "payer": {"id": alice.user["id"], "name": "Alice Adams"},
        "payee": {"id": bob.user["id"], "name": "Bob Brown", "account": receiving["account"]},
        "bank_reference": bank_payment_id(stack, pay["id"]),
        "completed_at": done["updated_at"]}
    assert datetime.fromisoformat(shown["completed_at"]) >= datetime.fromisoformat(
        pay["created_at"])
    bob_account = next(a for a in stack.banks["northbank"].accounts("bob")
                       if a.account_number.endswith(receiving["account"][-4:]))
    assert bob_account.account_number not in json.dumps(shown)  # only ••1234 is shown

    assert land(alice, started).status_code == 303  # a replayed callback posts no second one
    assert len(receipts(bob, chat)) == 1


def test_nobody_can_send_a_receipt_card_themselves(stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    chat = direct_chat(alice, bob)
    forged = alice.post(f"/api/v1/conversations/{chat}/messages", {
        "client_id": "forged-receipt", "card": {"kind": RECEIPT, "payload": {}}})
    assert (forged.status_code, forged.json()["error"]["code"]) == (
        422, "card_kind_not_allowed"), forged.text
