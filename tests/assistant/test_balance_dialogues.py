"""Stories with the assistant, through the messaging API, against a real sandbox bank."""

from __future__ import annotations

from typing import Any

from tests.support.linking import NewUser, ask, assistant_chat, link_bank
from tests.support.stack import Stack


def card(reply: dict[str, Any]) -> dict[str, Any]:
    assert reply["card"] and reply["card"]["kind"] == "assistant.reply", reply
    payload: dict[str, Any] = reply["card"]["payload"]
    return payload


def test_balance_question_is_answered_from_the_linked_bank_with_its_source(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    chat = assistant_chat(user)
    (reply,) = ask(user, chat, "how much money do I have?")
    shown = card(reply)
    assert shown["source"].startswith("Source: Northbank, as of ")
    bank = stack.banks["northbank"]
    account = bank.accounts("alice")[0]
    pounds = abs(bank.available_minor("alice", account.id)) / 100
    assert f"{pounds:,.2f}" in shown["rows"][0]["value"] or f"{pounds:,.2f}" in str(shown)
    assert "Northbank" in shown["title"] or "Northbank" in shown["rows"][0]["label"]
    log = user.http.get("/api/v1/privacy/access-log").json()["entries"][0]
    assert log["action"] == "read" and "balances" in log["text"]


def test_without_a_linked_bank_the_assistant_offers_to_link_one(new_user: NewUser) -> None:
    user = new_user()
    chat = assistant_chat(user)
    (reply,) = ask(user, chat, "what's my balance?")
    shown = card(reply)
    assert shown["title"] == "Link a bank first"
    assert shown["buttons"][0]["reply"] == "link my bank"
    (offer,) = ask(user, chat, shown["buttons"][0]["reply"])
    assert [b["label"] for b in card(offer)["buttons"]] == ["Northbank"]
    (start,) = ask(user, chat, "Northbank")
    link = card(start)["links"][0]
    assert link["label"] == "Continue at Northbank" and "/as/authorize?" in link["url"]
    assert [lnk["status"] for lnk in user.links()] == ["pending"]


def test_disconnecting_asks_for_confirmation_and_cancel_changes_nothing(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    chat = assistant_chat(user)
    (question,) = ask(user, chat, "disconnect my bank")
    assert card(question)["title"] == "Disconnect Northbank?"
    (cancelled,) = ask(user, chat, "cancel")
    assert "cancelled" in cancelled["text"].lower()
    assert [lnk["status"] for lnk in user.links()] == ["active"]
    ask(user, chat, "disconnect my bank")
    (done,) = ask(user, chat, "yes")
    assert "disconnected" in done["text"]
    assert [lnk["status"] for lnk in user.links()] == ["revoked"]


def test_a_new_question_mid_confirmation_is_answered_and_the_question_comes_back(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    chat = assistant_chat(user)
    ask(user, chat, "disconnect my bank")
    replies = ask(user, chat, "how much money do I have?")
    assert card(replies[0])["source"].startswith("Source: Northbank")
    assert card(replies[-1])["title"] == "Disconnect Northbank?"
    (declined,) = ask(user, chat, "no")
    assert "won't" in declined["text"]
    assert [lnk["status"] for lnk in user.links()] == ["active"]


def test_greeting_help_and_nonsense_get_helpful_answers(new_user: NewUser) -> None:
    user = new_user()
    chat = assistant_chat(user)
    assert card(ask(user, chat, "hello")[0])["title"].startswith("Hi!")
    assert card(ask(user, chat, "what can you do?")[0])["buttons"]
    fallback = card(ask(user, chat, "purple monkey dishwasher quantum")[0])
    assert fallback["buttons"]


def test_a_support_question_gets_an_answer_or_an_honest_handoff(new_user: NewUser) -> None:
    user = new_user()
    chat = assistant_chat(user)
    shown = card(ask(user, chat, "my card still hasn't arrived, it's been two weeks")[0])
    assert shown["title"]
    assert "subtitle" in shown
