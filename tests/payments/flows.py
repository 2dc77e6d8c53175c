"""Payments through the platform's API and the bank's own pages (form posts, no browser)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from tests.contract.banks import RunningBank
from tests.contract.tpp import customer_journey
from tests.support.linking import PlatformUser, link_bank
from tests.support.stack import Stack

PAY_PURPOSES = ("answer_account_questions", "make_payments_i_ask_for")


def ready_to_receive(stack: Stack, user: PlatformUser, login: str) -> dict[str, Any]:
    """Link the user's bank (as bank customer `login`) and make its account their receiver."""
    link_bank(stack, user, purposes=PAY_PURPOSES, login=login)
    options = user.http.get("/api/v1/payments/receiving-account/options").json()["options"]
    assert options, "no account to receive into"
    chosen = user.http.put("/api/v1/payments/receiving-account", json={
        "link_id": options[0]["link_id"], "account_id": options[0]["account_id"]},
        headers={"X-CSRF-Token": user.csrf})
    assert chosen.status_code == 200, chosen.text
    return dict(chosen.json()["receiving_account"])


def direct_chat(a: PlatformUser, b: PlatformUser) -> str:
    opened = a.post("/api/v1/conversations/direct", {"user_id": b.user["id"]})
    assert opened.status_code == 201, opened.text
    return str(opened.json()["conversation"]["id"])


def ask_for_money(requester: PlatformUser, chat: str, payer: PlatformUser, amount: str,
                  note: str) -> dict[str, Any]:
    """`requester` asks `payer` for `amount` in `chat`; returns the request."""
    asked = requester.post("/api/v1/payments/requests", {
        "conversation_id": chat, "payer_id": payer.user["id"], "amount": amount, "note": note})
    assert asked.status_code == 201, asked.text
    return dict(asked.json()["payment"])


def authorise_at_bank(stack: Stack, user: PlatformUser, payment_id: str, login: str,
                      decision: str = "approve") -> dict[str, str]:
    """Ask the platform for the bank URL, then sign in, pass SCA and answer at the bank."""
    started = user.post(f"/api/v1/payments/{payment_id}/authorise", {"bank_id": "northbank"})
    assert started.status_code == 200, started.text
    return answer_payment(stack, started.json()["authorize_url"], login, decision)


def answer_payment(stack: Stack, url: str, login: str, decision: str = "approve",
                   accounts: list[str] | None = None) -> dict[str, str]:
    query = parse_qs(urlparse(url).query)
    bank_url = f"{urlparse(url).scheme}://{urlparse(url).netloc}"
    return customer_journey(bank_url, query["client_id"][0], query["request_uri"][0], login,
                            decision, accounts,
                            redirect_uri=f"{stack.platform_url}/payments/callback")


def land(user: PlatformUser, answer: dict[str, str]) -> httpx.Response:
    """The browser comes back from the bank to the platform's payment callback."""
    return user.http.get("/payments/callback", params=answer)


def payment(user: PlatformUser, payment_id: str) -> dict[str, Any]:
    response = user.http.get(f"/api/v1/payments/{payment_id}")
    assert response.status_code == 200, response.text
    return dict(response.json()["payment"])


def card_of(user: PlatformUser, conversation_id: str, payment_id: str) -> dict[str, Any]:
    messages = user.http.get(f"/api/v1/conversations/{conversation_id}/messages",
                             params={"limit": 100}).json()["messages"]
    cards = [m["card"]["payload"] for m in messages
             if m.get("card") and m["card"]["kind"] == "payment"
             and m["card"]["payload"].get("payment_id") == payment_id]
    assert len(cards) == 1, messages
    return dict(cards[0])


def total_available(stack: Stack, login: str) -> int:
    bank = stack.banks["northbank"]
    return sum(bank.available_minor(login, account) for account in bank.account_ids(login))


def bank_records(bank: RunningBank, payment_id: str) -> list[tuple[str, str | None]]:
    """The bank's own domestic payments for the platform's payment: [(OB status, transfer)]."""
    path = bank.settings.resolved_database_url.split(":///", 1)[1]
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT status, transfer_ref FROM ob_domestic_payments WHERE "
                          "json_extract(initiation, '$.InstructionIdentification') = ?",
                          (payment_id[:35],)).fetchall()
    return [(str(status), ref) for status, ref in rows]


def wait_for_cards(users: list[PlatformUser], chat: str, payment_id: str,
                   statuses: tuple[str, ...] = ("completed", "rejected"),
                   timeout_s: float = 60) -> dict[str, Any]:
    """Poll until every user's card is in one of `statuses`; they must all agree."""
    deadline = time.monotonic() + timeout_s
    while True:
        cards = [card_of(user, chat, payment_id) for user in users]
        if all(card["status"] in statuses for card in cards):
            assert all(card == cards[0] for card in cards), cards
            return cards[0]
        assert time.monotonic() < deadline, cards
        time.sleep(0.3)
