"""Transfers from the chat to the user's own accounts and saved payees: fill, confirm, approve
at the bank with SCA, and the money moves once."""

from __future__ import annotations

import httpx

from chatbank.bank.books import AccountSubtype
from chatbank.web.app import create_app
from tests.assistant.story_steps import (
    Chat,
    approve_at_bank,
    available,
    card_of,
    fully_linked_chat,
    payments_of,
    pounds,
    rows,
)
from tests.support.linking import NewUser, PlatformUser
from tests.support.servers import ServerThread, free_port
from tests.support.stack import Stack


def test_moving_money_to_savings_is_confirmed_approved_at_the_bank_and_moves_once(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    confirm = chat.card("move £50 to my savings")
    assert confirm["title"] == "Send £50.00 to Rainy day?"
    assert rows(confirm)["To"].startswith("your Rainy day ••")
    current, savings = (available(stack, AccountSubtype.CURRENT_ACCOUNT),
                        available(stack, AccountSubtype.SAVINGS))
    approve = chat.card("yes")
    assert approve["title"] == "Approve £50.00 to Rainy day at Northbank"
    assert available(stack, AccountSubtype.SAVINGS) == savings  # nothing before the bank's SCA
    assert "status=completed" in approve_at_bank(stack, chat, approve)
    assert available(stack, AccountSubtype.SAVINGS) == savings + 5000
    assert available(stack, AccountSubtype.CURRENT_ACCOUNT) == current - 5000
    assert [(p["status"], p["amount"]["minor"])
            for p in payments_of(chat)] == [("completed", 5000)]


def test_where_to_is_asked_with_buttons_when_the_message_does_not_say(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    where = chat.card("transfer £15")
    assert where["title"] == "Where should the money go?"
    labels = [b["label"] for b in where["buttons"]]
    assert labels[:3] == ["Everyday", "Rainy day", "Credit card"]
    confirm = chat.card("Rainy day")
    assert confirm["title"] == "Send £15.00 to Rainy day?"


def test_the_amount_is_asked_for_when_missing(stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    assert chat.card("move money to my savings")["title"] == "How much should go to Rainy day?"
    assert chat.card("£12.50")["title"] == "Send £12.50 to Rainy day?"


def test_paying_a_saved_payee_with_a_correction_before_the_yes(stack: Stack,
                                                               new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    confirm = chat.card("pay my landlord £20")
    landlord = confirm["title"].removeprefix("Send £20.00 to ").removesuffix("?")
    assert rows(confirm)["To"].endswith("(saved payee)")
    corrected = chat.card("no, £30")
    assert corrected["title"] == f"Send £30.00 to {landlord}?"
    assert payments_of(chat) == []
    approve = chat.card("yes")
    assert approve["links"][0]["label"] == "Approve at Northbank"
    assert [(p["amount"]["minor"], p["status"]) for p in payments_of(chat)] == [
        (3000, "awaiting_authorisation")]


def test_a_payee_nobody_knows_is_said_plainly_and_the_choices_offered(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    unknown = chat.card("transfer £20 to Zebedee")
    assert unknown["title"] == "I can't find Zebedee in your contacts, accounts or saved payees"
    assert "Rainy day" in [b["label"] for b in unknown["buttons"]]
    (cancelled,) = chat.replies("cancel")
    assert "Nothing was changed" in cancelled["text"]
    assert payments_of(chat) == []


def test_more_than_the_accounts_hold_is_refused_before_confirmation(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    refused = chat.card("move £90,000 to my savings")
    assert refused["title"] == "Not enough money for that"
    most = pounds(refused["subtitle"].split("the most is ", 1)[1].split(". ", 1)[0])
    assert most == available(stack, AccountSubtype.CURRENT_ACCOUNT)
    assert chat.card("£10")["title"] == "Send £10.00 to Rainy day?"


def test_a_balance_question_mid_transfer_is_answered_and_the_transfer_resumes(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    chat.card("move £40 to my savings")
    replies = chat.replies("actually what's my balance?")
    shown = [card_of(r) for r in replies]
    assert shown[0]["source"].startswith("Source: Northbank")
    assert shown[-1]["title"] == "Send £40.00 to Rainy day?"
    assert chat.card("yes")["title"] == "Approve £40.00 to Rainy day at Northbank"


def test_cancelling_a_transfer_at_the_confirmation_creates_no_payment(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    chat.card("move £40 to my savings")
    (cancelled,) = chat.replies("cancel")
    assert "Nothing was changed" in cancelled["text"]
    (nothing,) = chat.replies("yes")
    assert "nothing waiting" in nothing["text"].lower()
    assert payments_of(chat) == []


def test_a_transfer_without_a_linked_bank_offers_to_link_one(new_user: NewUser) -> None:
    chat = Chat.open(new_user())
    assert chat.card("move £10 to my savings")["title"] == "Link a bank first"


def test_from_savings_to_current_pays_the_current_account(stack: Stack,
                                                         new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    confirm = chat.card("transfer £20 from savings to current")
    assert confirm["title"] == "Send £20.00 to Everyday?"
    assert rows(confirm)["To"].startswith("your Everyday ••")


def test_a_half_filled_transfer_carries_on_in_a_freshly_started_platform(stack: Stack,
                                                           new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    assert chat.card("move money to my savings")["title"] == "How much should go to Rainy day?"
    port = free_port()
    settings = stack.settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    restarted = ServerThread(create_app(settings), port=port).start()  # same database only
    try:
        user = chat.user
        again = Chat(PlatformUser(httpx.Client(base_url=restarted.url, cookies=user.http.cookies,
                                               timeout=30.0), user.csrf, user.token, user.user),
                     chat.conversation_id)
        assert again.card("£18")["title"] == "Send £18.00 to Rainy day?"
        again.user.http.close()
    finally:
        restarted.stop()


def test_paying_someone_saved_at_the_bank_by_first_name_uses_the_saved_payee(
        stack: Stack, new_user: NewUser) -> None:
    chat = fully_linked_chat(stack, new_user())
    where = chat.card("transfer £15")
    friend = next(b["label"] for b in where["buttons"][4:] if len(b["label"].split()) == 2)
    confirm = chat.card(f"pay {friend.split()[0]} £10")
    assert confirm["title"] == f"Send £10.00 to {friend}?"
    assert rows(confirm)["To"].endswith("(saved payee)")
    chat.replies("cancel")
    assert chat.card("pay Zebedee £10")["title"].startswith("I can't find Zebedee in your ")
