"""The assistant phrases of issue #7 through the chat API, with a real sandbox bank:
"send Sam £20 for pizza", "ask Ana and Ben for £15 each", "split £84 with the group"."""

from __future__ import annotations

from typing import Any

from tests.payments.flows import answer_payment, land, ready_to_receive, total_available
from tests.payments.test_assistant_pays import reply_card
from tests.support.linking import NewUser, PlatformUser, ask, assistant_chat
from tests.support.stack import Stack


def befriend(user: PlatformUser, *others: PlatformUser) -> None:
    for other in others:
        added = user.post("/api/v1/contacts", {"handle": other.user["handle"]})
        assert added.status_code == 201, added.text


def requests_of(user: PlatformUser) -> list[dict[str, Any]]:
    return [p for p in user.http.get("/api/v1/payments").json()["payments"]
            if p["kind"] == "request"]


def test_send_sam_20_for_pizza_pays_sam_once_after_approval_at_the_bank(
        stack: Stack, new_user: NewUser) -> None:
    alice, sam = new_user("Alice Adams"), new_user("Sam Smith")
    ready_to_receive(stack, sam, "bob")
    befriend(alice, sam)
    chat = assistant_chat(alice)
    confirm = reply_card(ask(alice, chat, "send Sam £20 for pizza"))
    assert confirm["title"] == "Send £20.00 to Sam Smith?", confirm
    approve = reply_card(ask(alice, chat, "yes"))
    before = total_available(stack, "bob")
    landed = land(alice, answer_payment(stack, approve["links"][0]["url"], "alice"))
    assert "status=completed" in landed.headers["location"], landed.headers
    assert total_available(stack, "bob") == before + 2000
    (paid,) = sam.http.get("/api/v1/payments").json()["payments"]
    assert (paid["kind"], paid["status"], paid["note"], paid["amount"]["minor"],
            paid["payer_id"]) == ("payment", "completed", "pizza", 2000, alice.user["id"])


def test_ask_ana_and_ben_for_15_each_posts_one_request_in_each_direct_chat(
        stack: Stack, new_user: NewUser) -> None:
    alice, ana, ben = new_user("Alice Adams"), new_user("Ana Silva"), new_user("Ben Okafor")
    ready_to_receive(stack, alice, "alice")
    befriend(alice, ana, ben)
    chat = assistant_chat(alice)
    confirm = reply_card(ask(alice, chat, "ask Ana and Ben for £15 each"))
    assert confirm["title"] == "Ask Ana Silva and Ben Okafor for £15.00 each?", confirm
    assert [(r["label"], r["value"]) for r in confirm["rows"]] == [
        ("Ana Silva", "£15.00"), ("Ben Okafor", "£15.00")]
    (done,) = ask(alice, chat, "yes")
    assert done["text"] == ("I asked Ana Silva and Ben Okafor in your chats with them: "
                            "Ana Silva £15.00, Ben Okafor £15.00."), done
    assert ask(alice, chat, "yes")  # a repeated yes opens no new form and asks nobody again
    for payer in (ana, ben):
        (asked,) = requests_of(payer)
        assert (asked["status"], asked["amount"]["minor"], asked["payer_id"],
                asked["payee_id"]) == ("draft", 1500, payer.user["id"], alice.user["id"])
        members = payer.http.get(f"/api/v1/conversations/{asked['conversation_id']}").json()
        assert sorted(m["id"] for m in members["conversation"]["members"]) == sorted(
            [alice.user["id"], payer.user["id"]])
    assert len(requests_of(alice)) == 2


def test_split_84_with_the_group_asks_the_three_others_for_21_each_in_the_group(
        stack: Stack, new_user: NewUser) -> None:
    alice = new_user("Alice Adams")
    others = [new_user(name) for name in ("Ana Silva", "Ben Okafor", "Cat Jones")]
    ready_to_receive(stack, alice, "alice")
    bot = alice.http.get("/api/v1/users/by-handle/assistant").json()["user"]
    group = alice.post("/api/v1/conversations/group", {
        "title": "Dinner", "member_ids": [p.user["id"] for p in others] + [bot["id"]]})
    assert group.status_code == 201, group.text
    chat = group.json()["conversation"]["id"]

    confirm = reply_card(ask(alice, chat, "@assistant split £84 with the group"))
    assert confirm["title"] == "Split £84.00 between 4 people?", confirm
    assert sorted((r["label"], r["value"]) for r in confirm["rows"]) == [
        ("Ana Silva", "£21.00"), ("Ben Okafor", "£21.00"), ("Cat Jones", "£21.00"),
        ("You", "£21.00")]
    (refused,) = ask(others[0], chat, "@assistant yes")  # only Alice can say yes to her split
    assert "Only the person who asked" in refused["text"], refused
    (done,) = ask(alice, chat, "@assistant yes")
    for name in ("Ana Silva", "Ben Okafor", "Cat Jones"):
        assert f"{name} £21.00" in done["text"], done

    listed = alice.http.get("/api/v1/payments", params={"conversation_id": chat}).json()
    made = listed["payments"]
    assert sorted(p["payer_id"] for p in made) == sorted(p.user["id"] for p in others)
    assert {(p["kind"], p["status"], p["amount"]["minor"], p["payee_id"]) for p in made} == {
        ("request", "draft", 2100, alice.user["id"])}
    assert len({p["split_id"] for p in made}) == 1 and made[0]["split_id"]
    for payer in others:
        (mine,) = [p for p in made if p["payer_id"] == payer.user["id"]]
        assert mine["conversation_id"] == chat


def test_a_split_asked_in_the_assistant_chat_points_to_the_group(
        stack: Stack, new_user: NewUser) -> None:
    alice = new_user("Alice Adams")
    (answer,) = ask(alice, assistant_chat(alice), "split £84 with the group")
    assert "group chat" in answer["text"], answer
    assert requests_of(alice) == []
