"""Paying the credit card from the chat (minimum, statement, other amount), a contact payment
corrected before the yes, and an access revoked at the bank mid-conversation."""

from __future__ import annotations

import asyncio

import httpx

from chatbank.bank.books import AccountSubtype, BankBooks
from chatbank.bank.db import create_bank_engine
from tests.assistant.story_steps import (
    Chat,
    account_id,
    approve_at_bank,
    available,
    card_of,
    fully_linked_chat,
    payments_of,
    pounds,
    rows,
)
from tests.contract.tpp import field_value, sign_in
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack


def owed_on_credit_card(stack: Stack) -> int:
    """What alice owes on her credit card, from the bank's books (booked, minor units)."""
    bank = stack.banks["northbank"]
    card_account = account_id(stack, AccountSubtype.CREDIT_CARD)

    async def booked() -> int:
        engine = create_bank_engine(bank.settings.resolved_database_url)
        try:
            balances = await BankBooks(engine).balances(bank.customer_id("alice"), card_account)
            return -balances.booked_minor
        finally:
            await engine.dispose()

    return asyncio.run(booked())


def test_the_minimum_payment_is_offered_with_the_statement_balance_and_confirmed(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    choice = chat.card("pay my credit card")
    assert choice["title"] == "How much of your Credit card should I pay?"
    shown = rows(choice)
    owed = owed_on_credit_card(stack)
    assert owed > 0 and pounds(shown["Statement balance"]) == owed
    minimum = pounds(shown["Minimum payment"])
    assert 0 < minimum <= owed
    assert [b["reply"] for b in choice["buttons"]] == ["minimum", "statement", "other amount"]
    confirm = chat.card("minimum")
    assert confirm["title"] == f"Send {shown['Minimum payment']} to Credit card?"


def test_another_amount_is_paid_to_the_card_after_approval_at_the_bank(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    chat.card("pay my credit card")
    assert chat.card("other amount")["title"] == "How much should I pay off?"
    assert chat.card("£25")["title"] == "Send £25.00 to Credit card?"
    before = owed_on_credit_card(stack)
    approve = chat.card("yes")
    assert "status=completed" in approve_at_bank(stack, chat, approve)
    assert owed_on_credit_card(stack) == before - 2500


def test_paying_more_than_is_owed_is_refused(stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    (answer,) = chat.replies("pay £5,000 off my credit card")
    assert answer["text"].startswith("That's more than you owe")


def test_a_balance_question_while_choosing_the_amount_comes_back_to_the_card_payment(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    chat.card("pay my credit card")
    replies = [card_of(r) for r in chat.replies("how much money do I have?")]
    assert replies[0]["source"].startswith("Source: Northbank")
    assert replies[-1]["title"] == "How much of your Credit card should I pay?"
    statement = rows(replies[-1])["Statement balance"]
    assert chat.card("statement")["title"] == f"Send {statement} to Credit card?"


def test_without_a_credit_card_there_is_nothing_to_pay(stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user(), login="bob")
    (answer,) = chat.replies("pay my credit card")
    assert "no credit card" in answer["text"]


def test_a_payment_to_a_contact_takes_a_corrected_amount_and_a_no(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user(), new_user("Bob Brown")
    assert alice.post("/api/v1/contacts", {"handle": bob.user["handle"]}).status_code == 201
    chat = Chat.open(alice)
    assert chat.card("transfer £5 to Bob")["title"] == "Send £5.00 to Bob Brown?"
    assert chat.card("make it £7")["title"] == "Send £7.00 to Bob Brown?"
    (declined,) = chat.replies("no")
    assert "won't" in declined["text"]
    assert alice.http.get("/api/v1/payments").json()["payments"] == []


def test_access_revoked_at_the_bank_stops_card_controls_and_transfers(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user, purposes=("answer_account_questions", "card_controls"))
    chat = Chat.open(user)
    assert chat.card("freeze my debit card")["state"] == "confirm"
    chat.replies("cancel")
    with httpx.Client(base_url=stack.banks["northbank"].url) as browser:
        sign_in(browser, "alice")
        page = browser.get("/dashboard").text
        assert browser.post("/dashboard/revoke", data={
            "consent_id": link["consent_id"], "csrf": field_value(page, "csrf")}
        ).status_code == 303
    replies, shown = chat.answer_card("freeze my debit card")
    assert "has stopped working" in replies[0]["text"]  # the notice, then the answer
    assert shown["title"] == "Your bank couldn't answer"
    assert shown["buttons"][0]["reply"] == "link my bank"
    assert [lnk["status"] for lnk in user.links()] == ["revoked"]
    assert chat.card("move £10 to my savings")["title"] == "Link a bank first"


def test_pay_off_my_amex_repays_the_whole_card_from_the_current_account(
        stack: Stack, new_user: NewUser) -> None:
    """A card brand alone names the credit card (the sandbox card is the one credit card
    account linked); "pay off" is the statement balance, paid from the current account."""
    chat = fully_linked_chat(stack, new_user())
    owed = owed_on_credit_card(stack)
    current_before = available(stack, AccountSubtype.CURRENT_ACCOUNT)
    confirm = chat.card("pay off my Amex")
    assert confirm["title"] == f"Send £{owed / 100:,.2f} to Credit card?", confirm
    approve = chat.card("yes")
    assert "status=completed" in approve_at_bank(stack, chat, approve)
    assert owed_on_credit_card(stack) == 0
    assert available(stack, AccountSubtype.CURRENT_ACCOUNT) == current_before - owed
    (paid,) = payments_of(chat)
    assert (paid["status"], paid["amount"]["minor"], paid["note"]) == (
        "completed", owed, "Credit card payment")
