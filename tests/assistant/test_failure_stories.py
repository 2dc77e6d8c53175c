"""When the assistant cannot read: no bank linked, or the customer revoked access at the bank."""

from __future__ import annotations

import httpx

from tests.assistant.story_steps import Chat, card_of, rows
from tests.contract.tpp import field_value, sign_in
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack


def test_search_without_a_linked_bank_offers_to_link_and_logs_the_refusal(
        new_user: NewUser) -> None:
    chat = Chat.open(new_user())
    shown, log = chat.reads_after("show my Tesco transactions")
    assert shown["title"] == "Link a bank first"
    assert shown["buttons"][0]["reply"] == "link my bank"
    assert log[0]["allowed"] is False and log[0]["code"] == "no_active_link"


def test_spending_without_a_linked_bank_offers_to_link(new_user: NewUser) -> None:
    chat = Chat.open(new_user())
    assert chat.card("where does my money go?")["title"] == "Link a bank first"


def test_revoked_at_the_bank_the_user_is_told_and_asked_to_link_again(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    chat = Chat.open(user)
    assert chat.card("show my Tesco transactions")["title"] == "Transactions at Tesco"
    with httpx.Client(base_url=stack.banks["northbank"].url) as browser:
        sign_in(browser, "alice")
        page = browser.get("/dashboard").text
        revoked = browser.post("/dashboard/revoke", data={
            "consent_id": link["consent_id"], "csrf": field_value(page, "csrf")})
        assert revoked.status_code == 303
    replies = chat.replies("no, I meant last month")
    shown = next(card_of(r) for r in replies if r.get("card")
                 and r["card"]["kind"] == "assistant.reply")
    assert shown["title"] == "Your bank couldn't answer"
    assert rows(shown)["Northbank"] == "unavailable"
    assert shown["buttons"][0]["reply"] == "link my bank"
    assert shown["source"].startswith("Source: Northbank (no answer), as of ")
    assert [lnk["status"] for lnk in user.links()] == ["revoked"]
    assert chat.card("what payments are coming up?")["title"] == "Link a bank first"
