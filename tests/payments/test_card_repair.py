"""A platform killed between storing a payment and showing it leaves no card behind for ever:
the sweeper posts a card that was never posted and brings one showing an older state up to
date, once, for everyone in the conversation (in-process platforms on the stack's database)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from chatbank.config import Settings
from chatbank.core.ids import new_id
from chatbank.core.money import Money
from chatbank.db.engine import create_engine_for_url
from chatbank.payments.model import Payment, PaymentKind, PaymentStatus
from chatbank.payments.transactions import PaymentStore
from tests.payments.flows import card_of, direct_chat, payment
from tests.payments.test_expiry import sweep_later
from tests.support.linking import NewUser, PlatformUser
from tests.support.stack import Stack

CREDITOR = {"sort_code": "200000", "account_number": "12344321", "name": "Bob Brown"}


async def in_store(settings: Settings, work: str, payment_id: str,
                   new: Payment | None = None) -> str | None:
    """Against the platform's database: insert `new` (as `_new` does before posting its card),
    move the payment draft → awaiting_authorisation → cancelled without showing it, or read its
    `card_due`."""
    engine = create_engine_for_url(settings.resolved_database_url)
    try:
        store = PaymentStore(engine)
        async with store.tx() as tx:
            if new is not None:
                await tx.insert(new, CREDITOR)
            elif work == "cancel unseen":
                now = datetime.now(UTC)
                assert await tx.move(payment_id, PaymentStatus.DRAFT, updated_at=now,
                                     status=PaymentStatus.AWAITING_AUTHORISATION)
                assert await tx.move(payment_id, PaymentStatus.AWAITING_AUTHORISATION,
                                     status=PaymentStatus.CANCELLED, updated_at=now,
                                     reason="Cancelled")
            return await tx.card_due(payment_id)
    finally:
        await engine.dispose()


def stored_without_card(stack: Stack, alice: PlatformUser, bob: PlatformUser, chat: str) -> str:
    """A draft alice → bob stored by a platform that died before posting its card."""
    now = datetime.now(UTC)
    stored = Payment(new_id("pay"), PaymentKind.PAYMENT, chat, alice.user["id"], bob.user["id"],
                     Money(275, "GBP"), "lunch", PaymentStatus.DRAFT, now, now, "4321",
                     "northbank")
    assert asyncio.run(in_store(stack.settings, "insert", stored.id, stored)) == "new"
    return stored.id


def test_a_payment_stored_just_before_a_crash_gets_its_card_once(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    chat = direct_chat(alice, bob)
    stored = stored_without_card(stack, alice, bob, chat)

    sweep_later(stack.settings, timedelta(minutes=1))
    sweep_later(stack.settings, timedelta(minutes=2))  # nothing left to do: still one card

    for user in (alice, bob):
        card = card_of(user, chat, stored)  # exactly one card for the payment
        assert (card["status"], card["amount"]["minor"], card["payee"]["account"],
                card["payer"]["name"]) == ("draft", 275, "••4321", "Alice Adams")
    assert payment(alice, stored)["message_id"]
    assert asyncio.run(in_store(stack.settings, "read", stored)) is None


def test_a_card_showing_an_older_state_is_brought_up_to_date(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    chat = direct_chat(alice, bob)
    stored = stored_without_card(stack, alice, bob, chat)
    sweep_later(stack.settings, timedelta(minutes=1))
    assert card_of(bob, chat, stored)["status"] == "draft"
    assert asyncio.run(in_store(stack.settings, "cancel unseen", stored)) is not None
    assert card_of(bob, chat, stored)["status"] == "draft"  # the platform "died" here

    sweep_later(stack.settings, timedelta(minutes=2))

    for user in (alice, bob):
        card = card_of(user, chat, stored)
        assert (card["status"], card["reason"]) == ("cancelled", "Cancelled")
    assert asyncio.run(in_store(stack.settings, "read", stored)) is None
