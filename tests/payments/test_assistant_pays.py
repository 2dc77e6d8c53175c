"""“Send Bob £5 for pizza” to the assistant: confirm, approve at the bank, paid once."""

from __future__ import annotations

from typing import Any

from tests.payments.flows import answer_payment, land, ready_to_receive, total_available
from tests.support.linking import NewUser, ask, assistant_chat
from tests.support.stack import Stack


def reply_card(replies: list[dict[str, Any]]) -> dict[str, Any]:
    cards = [r["card"]["payload"] for r in replies if r.get("card")]
    assert cards, replies
    return dict(cards[-1])


def test_the_assistant_prepares_a_payment_that_the_payer_approves_at_their_bank(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, bob, "bob")
    added = alice.post("/api/v1/contacts", {"handle": bob.user["handle"]})
    assert added.status_code == 201, added.text
    chat = assistant_chat(alice)
    confirm = reply_card(ask(alice, chat, "transfer £5.25 to Bob for pizza"))
    assert confirm["title"] == "Send £5.25 to Bob Brown?", confirm
    approve = reply_card(ask(alice, chat, "yes"))
    url = approve["links"][0]["url"]
    before = total_available(stack, "bob")
    landed = land(alice, answer_payment(stack, url, "alice"))
    assert "status=completed" in landed.headers["location"], landed.headers
    assert total_available(stack, "bob") == before + 525
    mine = alice.http.get("/api/v1/payments").json()["payments"]
    assert [(p["status"], p["note"]) for p in mine] == [("completed", "pizza")]


def test_asking_the_assistant_to_request_money_posts_a_request_in_the_chat(
        stack: Stack, new_user: NewUser) -> None:
    alice, bob = new_user("Alice Adams"), new_user("Bob Brown")
    ready_to_receive(stack, alice, "alice")
    assert alice.post("/api/v1/contacts", {"handle": bob.user["handle"]}).status_code == 201
    chat = assistant_chat(alice)
    confirm = reply_card(ask(alice, chat, "ask Bob for £12 for cinema"))
    assert confirm["title"] == "Ask Bob Brown for £12.00?", confirm
    (done,) = ask(alice, chat, "yes")
    assert "I asked Bob Brown for £12.00" in done["text"], done
    (request,) = bob.http.get("/api/v1/payments").json()["payments"]
    assert (request["kind"], request["status"], request["note"], request["payer_id"]) == (
        "request", "draft", "cinema", bob.user["id"])
