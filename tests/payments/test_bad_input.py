"""Bad input gets a stable error code and changes nothing (no payment, no card, no money)."""

from __future__ import annotations

import pytest

from tests.payments.flows import direct_chat, ready_to_receive
from tests.support.linking import NewUser, PlatformUser
from tests.support.stack import Stack


@pytest.fixture
def pair(stack: Stack, new_user: NewUser) -> tuple[PlatformUser, PlatformUser, str]:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    return alice, bob, direct_chat(alice, bob)


BAD_AMOUNTS = [
    ("12.345", "GBP", "too_many_decimals"),
    ("1000.01", "GBP", "amount_too_large"),
    ("99999999999999999999", "GBP", "amount_too_large"),
    ("0", "GBP", "amount_not_positive"),
    ("-5", "GBP", "amount_not_positive"),
    ("twelve", "GBP", "invalid_amount"),
    ("NaN", "GBP", "invalid_amount"),
    ("5", "XYZ", "unknown_currency"),
    ("5", "EUR", "unsupported_currency"),
]


def test_bad_amounts_are_refused_with_a_code_and_nothing_is_made(
        pair: tuple[PlatformUser, PlatformUser, str]) -> None:
    alice, bob, chat = pair
    for amount, currency, code in BAD_AMOUNTS:
        response = alice.post("/api/v1/payments", {"conversation_id": chat,
                                                   "payee_id": bob.user["id"],
                                                   "amount": amount, "currency": currency})
        assert (response.status_code, response.json()["error"]["code"]) == (422, code), amount
    assert alice.http.get("/api/v1/payments", params={"conversation_id": chat}).json()[
        "payments"] == []


def test_who_and_where_are_checked(pair: tuple[PlatformUser, PlatformUser, str],
                                   new_user: NewUser) -> None:
    alice, bob, chat = pair
    outsider = new_user("Eve Evans")
    cases = [
        (outsider, {"conversation_id": chat, "payee_id": bob.user["id"], "amount": "1"},
         403, "not_in_conversation"),
        (bob, {"conversation_id": chat, "payee_id": alice.user["id"], "amount": "1"},
         422, "payee_has_no_receiving_account"),
        (alice, {"conversation_id": chat, "payee_id": alice.user["id"], "amount": "1"},
         422, "cannot_pay_yourself"),
    ]
    for who, body, status, code in cases:
        response = who.post("/api/v1/payments", body)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    missing = alice.http.get("/api/v1/payments/pay_nope")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "payment_not_found")
    made = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                           "amount": "1.00"}).json()["payment"]
    hidden = outsider.http.get(f"/api/v1/payments/{made['id']}")
    assert hidden.json()["error"]["code"] == "payment_not_found"
    assert bob.post(f"/api/v1/payments/{made['id']}/cancel").json()["error"][
        "code"] == "not_yours"


def test_a_blocked_user_cannot_request_money(
        pair: tuple[PlatformUser, PlatformUser, str]) -> None:
    alice, bob, chat = pair
    blocked = alice.post("/api/v1/blocks", {"user_id": bob.user["id"]})
    assert blocked.status_code == 204, blocked.text
    response = bob.post("/api/v1/payments/requests", {"conversation_id": chat,
                                                      "payer_id": alice.user["id"],
                                                      "amount": "5"})
    assert (response.status_code, response.json()["error"]["code"]) == (403, "blocked")
    assert bob.http.get("/api/v1/payments").json()["payments"] == []


def test_unlinking_the_bank_withdraws_the_receiving_account(
        pair: tuple[PlatformUser, PlatformUser, str]) -> None:
    alice, bob, chat = pair
    link = next(lnk for lnk in bob.links() if lnk["status"] == "active")
    assert bob.delete(f"/api/v1/links/{link['id']}").status_code == 200
    assert bob.http.get("/api/v1/payments/receiving-account").json() == {
        "receiving_account": None}
    response = alice.post("/api/v1/payments", {"conversation_id": chat,
                                               "payee_id": bob.user["id"], "amount": "1"})
    assert response.json()["error"]["code"] == "payee_has_no_receiving_account"
