"""Funds confirmation before sending, and the per-payment and daily limits (small on purpose)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from tests.contract.tpp import customer_journey
from tests.payments.flows import (
    answer_payment,
    direct_chat,
    land,
    payment,
    ready_to_receive,
    total_available,
)
from tests.support.linking import NewUser, finish_at_platform
from tests.support.stack import Stack, running_stack

LEFT_IN_CURRENT_MINOR = 300_000  # alice's current account holds at most £3,000 in these tests


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Northbank and a platform allowing £5,000 a payment and £6,000 a day."""
    with running_stack(tmp_path_factory.mktemp("limits"), payment_limit_minor=500_000,
                       payment_daily_limit_minor=600_000) as running:
        yield running


def test_not_enough_money_is_found_before_sending_and_the_daily_limit_holds(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    bank = stack.banks["northbank"]
    current = next(a.id for a in bank.accounts("alice") if str(a.subtype) == "CurrentAccount")
    bank.spend_down("alice", current, "bob", LEFT_IN_CURRENT_MINOR)
    chat = direct_chat(alice, bob)
    too_big = alice.post("/api/v1/payments", {"conversation_id": chat,
                                              "payee_id": bob.user["id"], "amount": "5000.01"})
    assert too_big.json()["error"]["code"] == "amount_too_large"
    big = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                          "amount": "5000.00"}).json()["payment"]
    started = alice.post(f"/api/v1/payments/{big['id']}/authorise", {"bank_id": "northbank"})
    assert started.status_code == 200, started.text
    over = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                           "amount": "1000.01"})
    assert over.json()["error"]["code"] == "limit_exceeded"

    assert bank.available_minor("alice", current) < 500_000
    before = total_available(stack, "alice")
    answer = answer_payment(stack, started.json()["authorize_url"], "alice",
                            accounts=[current])
    landed = land(alice, answer)
    assert "status=rejected" in landed.headers["location"], landed.headers
    assert "enough money" in payment(alice, big["id"])["reason"]
    assert total_available(stack, "alice") == before
    allowed = alice.post("/api/v1/payments", {"conversation_id": chat,
                                              "payee_id": bob.user["id"], "amount": "1000.01"})
    assert allowed.status_code == 201, allowed.text


def test_linked_balances_that_cannot_cover_it_stop_the_payment_before_the_bank(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    bank = stack.banks["northbank"]
    current = next(a.id for a in bank.accounts("alice") if str(a.subtype) == "CurrentAccount")
    bank.spend_down("alice", current, "bob", LEFT_IN_CURRENT_MINOR)
    url = alice.start_link("northbank", ["make_payments_i_ask_for"])
    query = parse_qs(urlparse(url).query)
    answer = customer_journey(bank.url, query["client_id"][0], query["request_uri"][0],
                              "alice", "approve", [current],
                              redirect_uri=f"{stack.platform_url}/connect/callback")
    assert finish_at_platform(alice, answer).status_code == 303
    chat = direct_chat(alice, bob)
    big = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                          "amount": "4999.00"}).json()["payment"]
    refused = alice.post(f"/api/v1/payments/{big['id']}/authorise", {})
    assert (refused.status_code, refused.json()["error"]["code"]) == (422, "insufficient_funds")
    assert payment(alice, big["id"])["status"] == "draft"
    small = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                            "amount": "1.00"}).json()["payment"]
    assert alice.post(f"/api/v1/payments/{small['id']}/authorise", {}).status_code == 200
