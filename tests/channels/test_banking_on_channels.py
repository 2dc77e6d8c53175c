"""The assistant and payments on Messenger and WhatsApp, against a real sandbox bank."""

from __future__ import annotations

import re

from tests.channels.chats import ChatPerson, texts_in, urls_in
from tests.channels.graph_server import Call, GraphServer
from tests.payments.flows import answer_payment, land, ready_to_receive, total_available
from tests.support.linking import (
    NewUser,
    PlatformUser,
    answer_at_bank,
    assistant_chat,
    finish_at_platform,
    link_bank,
)
from tests.support.stack import Stack


def payer_in_chat(stack: Stack, graph: GraphServer, new_user: NewUser, channel: str,
                  payer_name: str, payee_name: str) -> tuple[PlatformUser, ChatPerson]:
    """A payer linked to `channel`, with a contact who can receive (as Northbank's bob)."""
    payer, payee = new_user(payer_name), new_user(payee_name)
    ready_to_receive(stack, payee, "bob")
    assert payer.post("/api/v1/contacts", {"handle": payee.user["handle"]}).status_code == 201
    person = ChatPerson.on(stack, graph, channel)
    person.link_to(payer)
    return payer, person


def shown(calls: list[Call]) -> str:
    return texts_in([call.body for call in calls])


def test_a_balance_question_is_answered_on_both_channels_audited_and_maskable(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    bank = stack.banks["northbank"]
    pounds = f"{bank.available_minor('alice', bank.accounts('alice')[0].id) / 100:,.2f}"
    for channel in ("messenger", "whatsapp"):
        person = ChatPerson.on(stack, graph, channel)
        person.link_to(user)
        assert "Northbank" in shown(person.ask("what's my balance?", pounds))
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
    masked = shown(person.ask("what's my balance?", "£•••.••"))
    assert pounds not in masked and not re.search(r"£\s?\d", masked), masked


def test_a_payment_confirmed_in_messenger_is_authorised_at_the_bank_and_receipted(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    alice, person = payer_in_chat(stack, graph, new_user, "messenger", "Alice Adams",
                                  "Bob Brown")
    (confirm,) = person.ask("transfer £5.25 to Bob for pizza", "Send £5.25 to Bob Brown?")
    replies = confirm.body["message"]["quick_replies"]
    assert [(q["title"], q["payload"]) for q in replies] == [("Yes", "yes"), ("No", "no")]
    approve = person.press("yes", "Yes", "Approve £5.25")[-1]
    template = approve.body["message"]["attachment"]["payload"]
    assert template["template_type"] == "button"
    (button,) = [b for b in template["buttons"] if b["type"] == "web_url"]
    bank_url = stack.banks["northbank"].url
    assert all(url.startswith(bank_url) for url in urls_in(approve.body))  # the bank's page

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


def test_a_payment_confirmed_with_whatsapp_reply_buttons_gets_a_text_receipt(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    carol, person = payer_in_chat(stack, graph, new_user, "whatsapp", "Carol Chen",
                                  "Dan Dlamini")
    (confirm,) = person.ask("send £3 to Dan", "Send £3.00 to Dan Dlamini?")
    buttons = confirm.body["interactive"]["action"]["buttons"]
    assert [b["reply"]["title"] for b in buttons] == ["Yes", "No"]
    approve = person.press(buttons[0]["reply"]["id"], "Yes", "Approve £3.00")
    (url,) = [u for call in approve for u in urls_in(call.body)]
    seen = len(person.received())
    land(carol, answer_payment(stack, url, "alice"))
    (receipt,) = person.wait_for_text("Payment completed: £3.00 to Dan Dlamini", seen)
    assert receipt.body["type"] == "text"


def test_linking_a_bank_from_whatsapp_opens_the_banks_own_page_and_unlinking_the_chat_stops_it(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    person = ChatPerson.on(stack, graph, "whatsapp")
    person.link_to(user)
    (which,) = person.ask("link my bank", "Which bank shall I link?")
    (choice,) = which.body["interactive"]["action"]["buttons"]
    offer = person.press(choice["reply"]["id"], choice["reply"]["title"],
                         "At Northbank you sign in")
    (button,) = [call.body["interactive"] for call in offer
                 if call.body.get("interactive", {}).get("type") == "cta_url"]
    url = button["action"]["parameters"]["url"]
    assert url.startswith(stack.banks["northbank"].url + "/")  # never a page inside the chat
    landed = finish_at_platform(user, answer_at_bank(stack, url))
    assert "linked=" in landed.headers["location"], landed.headers
    person.ask("what's my balance?", "Northbank")

    gone = user.delete(f"/api/v1/privacy/channels/whatsapp/{person.external_id}")
    assert gone.status_code == 204, gone.text
    assert user.http.get("/api/v1/privacy/channels").json()["linked"] == []
    again = person.ask("what's my balance?", "link your chatbank account")
    assert "Northbank" not in shown(again)
