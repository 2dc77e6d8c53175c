"""Nothing stays open for ever: requests expire after 7 days, and a payment whose payer never
came back from the bank expires once the authorisation lapsed; both cards say so."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from chatbank.bootstrap import build_platform
from chatbank.config import Settings
from chatbank.payments.sweeper import AUTHORISATION_LAPSED, REQUEST_EXPIRED
from tests.payments.flows import (
    answer_payment,
    ask_for_money,
    card_of,
    direct_chat,
    land,
    payment,
    ready_to_receive,
    total_available,
)
from tests.support.linking import NewUser, PlatformUser
from tests.support.stack import Stack


@dataclass
class LaterClock:
    """The real time moved `ahead` into the future."""

    ahead: timedelta

    def now(self) -> datetime:
        return datetime.now(UTC) + self.ahead


def sweep_later(settings: Settings, ahead: timedelta) -> None:
    """Run the platform's sweeper once as if `ahead` had passed (same database)."""

    async def run() -> None:
        platform = await build_platform(settings, LaterClock(ahead))
        try:
            assert platform.payments is not None
            await platform.payments.sweeper.sweep()
        finally:
            await platform.close()

    asyncio.run(run())


def assert_expiry_audited(payer: PlatformUser) -> None:
    """The payer's access log says the payment expired, not that someone cancelled it."""
    log = payer.http.get("/api/v1/privacy/access-log").json()["entries"]
    endings = [e for e in log if e["action"] in ("payment_expired", "payment_cancelled")]
    assert [e["action"] for e in endings] == ["payment_expired"], endings
    assert endings[0]["text"].startswith("A payment expired"), endings[0]["text"]


def test_a_request_expires_after_seven_days_and_can_no_longer_be_paid(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(bob, alice)
    request_id = ask_for_money(bob, chat, alice, "5.00", "tickets")["id"]

    sweep_later(stack.settings, timedelta(days=7) - timedelta(minutes=5))
    assert card_of(alice, chat, request_id)["status"] == "draft"

    sweep_later(stack.settings, timedelta(days=7, minutes=1))
    for user in (alice, bob):
        card = card_of(user, chat, request_id)
        assert (card["status"], card["reason"]) == ("expired", REQUEST_EXPIRED)
    assert_expiry_audited(alice)
    refused = alice.post(f"/api/v1/payments/{request_id}/authorise", {"bank_id": "northbank"})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "invalid_state"


def test_a_payment_abandoned_at_the_bank_expires_and_a_late_answer_pays_nothing(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(alice, bob)
    made = alice.post("/api/v1/payments", {"conversation_id": chat, "payee_id": bob.user["id"],
                                           "amount": "6.00", "note": "taxi"}).json()["payment"]
    started = alice.post(f"/api/v1/payments/{made['id']}/authorise", {"bank_id": "northbank"})
    assert started.status_code == 200, started.text
    assert payment(alice, made["id"])["status"] == "awaiting_authorisation"

    sweep_later(stack.settings, timedelta(minutes=2))
    assert payment(alice, made["id"])["status"] == "awaiting_authorisation"
    sweep_later(stack.settings, timedelta(minutes=11))
    for user in (alice, bob):
        card = card_of(user, chat, made["id"])
        assert (card["status"], card["reason"]) == ("expired", AUTHORISATION_LAPSED)
    assert_expiry_audited(alice)

    before = total_available(stack, "alice")
    late = land(alice, answer_payment(stack, started.json()["authorize_url"], "alice"))
    assert "payment_error=authorisation_invalid" in late.headers["location"], late.headers
    assert total_available(stack, "alice") == before
    assert payment(alice, made["id"])["status"] == "expired"
