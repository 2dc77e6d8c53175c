"""The assistant and payments on Messenger and WhatsApp, against a real sandbox bank."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from tests.channels.chats import ChatPerson, texts_in, urls_in
from tests.channels.graph_server import GraphServer
from tests.payments.flows import answer_payment, land, ready_to_receive, total_available
from tests.support.linking import (
    NewUser,
    answer_at_bank,
    assistant_chat,
    finish_at_platform,
    link_bank,
)
from tests.support.stack import Stack


def test_a_balance_question_is_answered_on_both_channels_audited_and_maskable(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    bank = stack.banks["northbank"]
    pounds = f"{bank.available_minor('alice', bank.accounts('alice')[0].id) / 100:,.2f}"
    for channel in ("messenger", "whatsapp"):
        person = ChatPerson.on(stack, graph, channel)
        person.link_to(user)
        seen = len(person.received())
        person.say("what's my balance?")
        answer = texts_in([call.body for call in person.wait_for_text(pounds, seen)])
        assert "Northbank" in answer
    chat = assistant_chat(user)  # each link is announced on chatbank itself, too
    notices = [m["text"] for m in user.http.get(f"/api/v1/conversations/{chat}/messages").json()[
        "messages"] if "now talks to chatbank as you" in (m["text"] or "")]
    assert len(notices) == 2 and f"ending {person.external_id[-4:]}" in notices[-1], notices
    log = [entry["text"] for entry in user.http.get("/api/v1/privacy/access-log").json()[
        "entries"] if entry["action"] == "disclosure_to_channel"]
    assert any("shown in Messenger" in text for text in log), log
    assert any("shown in WhatsApp" in text for text in log), log

    changed = user.http.put("/api/v1/privacy/channels", json={"masked_amounts": True},
                            headers={"X-CSRF-Token": user.csrf})
    assert changed.status_code == 200 and changed.json()["masked_amounts"] is True
    assert len(changed.json()["linked"]) == 2
    seen = len(person.received())
    person.say("what's my balance?")
    masked = texts_in([call.body for call in person.wait_for_text("£•••.••", seen)])
    assert pounds not in masked and not re.search(r"£\s?\d", masked), masked


def test_a_payment_confirmed_in_messenger_is_authorised_at_the_bank_and_receipted(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    assert alice.post("/api/v1/contacts", {"handle": bob.user["handle"]}).status_code == 201
    person = ChatPerson.on(stack, graph, "messenger")
    person.link_to(alice)
    seen = len(person.received())
    person.say("transfer £5.25 to Bob for pizza")
    (confirm,) = person.wait_for_text("Send £5.25 to Bob Brown?", seen)
    replies = confirm.body["message"]["quick_replies"]
    assert [(q["title"], q["payload"]) for q in replies] == [("Yes", "yes"), ("No", "no")]

    seen = len(person.received())
    person.tap("yes", "Yes")
    approve = person.wait_for_text("Approve £5.25", seen)[-1]
    template = approve.body["message"]["attachment"]["payload"]
    assert template["template_type"] == "button"
    (button,) = [b for b in template["buttons"] if b["type"] == "web_url"]
    bank_url = stack.banks["northbank"].url
    assert button["url"].startswith(bank_url)  # the bank's own page, in the browser
    assert urlparse(bank_url).netloc not in str(confirm.body)

    before = total_available(stack, "bob")
    seen = len(person.received())
    landed = land(alice, answer_payment(stack, button["url"], "alice"))
    assert "status=completed" in landed.headers["location"], landed.headers
    assert total_available(stack, "bob") == before + 525
    (receipt,) = person.wait_for_text("To Bob Brown", seen)
    payload = receipt.body["message"]["attachment"]["payload"]
    (paid,) = alice.http.get("/api/v1/payments").json()["payments"]
    assert receipt.body["messaging_type"] == "UPDATE"
    assert (payload["template_type"], payload["order_number"], payload["currency"],
            payload["summary"]["total_cost"], payload["recipient_name"]) == (
        "receipt", paid["id"], "GBP", 5.25, "Alice Adams")
    assert payload["elements"][0]["subtitle"] == "pizza"
    assert all(url.startswith(bank_url) for url in urls_in(approve.body))


def test_linking_a_bank_from_whatsapp_opens_the_banks_own_page_and_unlinking_the_chat_stops_it(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    person = ChatPerson.on(stack, graph, "whatsapp")
    person.link_to(user)
    seen = len(person.received())
    person.say("link my bank")
    (which,) = person.wait_for_text("Which bank shall I link?", seen)
    (choice,) = which.body["interactive"]["action"]["buttons"]
    seen = len(person.received())
    person.tap(choice["reply"]["id"], choice["reply"]["title"])
    offer = person.wait_for_text("At Northbank you sign in", seen)
    (button,) = [call.body["interactive"] for call in offer
                 if call.body.get("interactive", {}).get("type") == "cta_url"]
    url = button["action"]["parameters"]["url"]
    assert url.startswith(stack.banks["northbank"].url + "/")  # never a page inside the chat
    landed = finish_at_platform(user, answer_at_bank(stack, url))
    assert "linked=" in landed.headers["location"], landed.headers
    seen = len(person.received())
    person.say("what's my balance?")
    person.wait_for_text("Northbank", seen)

    gone = user.delete(f"/api/v1/privacy/channels/whatsapp/{person.external_id}")
    assert gone.status_code == 204, gone.text
    assert user.http.get("/api/v1/privacy/channels").json()["linked"] == []
    seen = len(person.received())
    person.say("what's my balance?")
    again = person.wait_for_text("link your chatbank account", seen)
    assert "Northbank" not in texts_in([call.body for call in again])


def test_a_payment_confirmed_with_whatsapp_reply_buttons_gets_a_text_receipt(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    carol, dan = new_user("Carol Chen"), new_user("Dan Dlamini")
    ready_to_receive(stack, dan, "bob")
    assert carol.post("/api/v1/contacts", {"handle": dan.user["handle"]}).status_code == 201
    person = ChatPerson.on(stack, graph, "whatsapp")
    person.link_to(carol)
    seen = len(person.received())
    person.say("send £3 to Dan")
    (confirm,) = person.wait_for_text("Send £3.00 to Dan Dlamini?", seen)
    buttons = confirm.body["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["Yes", "No"]
    seen = len(person.received())
    person.tap(buttons[0]["reply"]["id"], "Yes")
    approve = person.wait_for_text("Approve £3.00", seen)
    (url,) = [u for call in approve for u in urls_in(call.body)]
    seen = len(person.received())
    land(carol, answer_payment(stack, url, "alice"))
    (receipt,) = person.wait_for_text("Payment completed: £3.00 to Dan Dlamini", seen)
    assert receipt.body["type"] == "text"
