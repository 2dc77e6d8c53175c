"""Messages: retries never duplicate, edits, deletes, replies, reactions, paging, cards."""

from __future__ import annotations

import asyncio

from tests.support.api import Api


async def last_seq(api: Api, conversation_id: str) -> int:
    view = await api.call("GET", f"/conversations/{conversation_id}", expect=200)
    return int(view["conversation"]["last_seq"])


async def test_a_retried_send_returns_the_original_message(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    body = {"client_id": "retry-1", "text": "pizza tonight?"}
    first = await alice.call("POST", f"/conversations/{conv}/messages", body, expect=201)
    again = await alice.call("POST", f"/conversations/{conv}/messages", body, expect=200)
    assert again["message"] == first["message"]
    clash = await alice.call("POST", f"/conversations/{conv}/messages",
                             {"client_id": "retry-1", "text": "something else"}, expect=409)
    assert clash["error"]["code"] == "client_id_reused"
    history = await bob.call("GET", f"/conversations/{conv}/messages", expect=200)
    assert [m["text"] for m in history["messages"]] == ["pizza tonight?"]


async def test_concurrent_retries_store_one_message(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    body = {"client_id": "burst", "text": "once"}
    answers = await asyncio.gather(*[
        alice.http.post(f"/api/v1/conversations/{conv}/messages", json=body) for _ in range(8)])
    assert sorted(a.status_code for a in answers).count(201) == 1
    assert {a.json()["message"]["id"] for a in answers if a.status_code in (200, 201)} and all(
        a.status_code in (200, 201) for a in answers)
    history = await bob.call("GET", f"/conversations/{conv}/messages", expect=200)
    assert [m["text"] for m in history["messages"]] == ["once"]


async def test_bad_messages_are_refused_and_change_nothing(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    before = await last_seq(alice, conv)
    cases = [
        ({"client_id": "a", "text": "x" * 4001}, 422, "message_too_long"),
        ({"client_id": "b", "text": "   "}, 422, "empty_message"),
        ({"client_id": "c"}, 422, "empty_message"),
        ({"client_id": "", "text": "hi"}, 422, "invalid_client_id"),
        ({"client_id": "d", "text": 42}, 422, "invalid_request"),
        ({"client_id": "e", "text": "hi", "reply_to_id": "msg_nope"}, 404,
         "reply_target_not_found"),
        ({"client_id": "f", "card": {"kind": "payment.request", "payload": {"amount": 1}}}, 422,
         "card_kind_not_allowed"),
        ({"client_id": "g", "card": {"kind": "contact", "payload": {"handle": "BAD!"}}}, 422,
         "invalid_card"),
    ]
    for body, status, code in cases:
        answer = await alice.call("POST", f"/conversations/{conv}/messages", body, expect=status)
        assert answer["error"]["code"] == code, body
    assert await last_seq(alice, conv) == before


async def test_contact_cards_can_be_shared(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    card = {"kind": "contact", "payload": {"handle": "carol", "display_name": "Carol"}}
    sent = await alice.call("POST", f"/conversations/{conv}/messages",
                            {"client_id": "card-1", "card": card}, expect=201)
    assert sent["message"]["card"] == card and sent["message"]["text"] is None


async def test_edit_delete_reply_and_react(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    original = await alice.send(conv, "see you at 8")
    reply = await alice.call("POST", f"/conversations/{conv}/messages", {
        "client_id": "r1", "text": "make it 9", "reply_to_id": original["id"]}, expect=201)
    assert reply["message"]["reply_to_id"] == original["id"]
    edited = await alice.call("PATCH", f"/messages/{original['id']}", {"text": "see you at 8:30"},
                              expect=200)
    assert edited["message"]["text"] == "see you at 8:30" and edited["message"]["edited_at"]
    not_mine = await bob.call("PATCH", f"/messages/{original['id']}", {"text": "no"}, expect=403)
    assert not_mine["error"]["code"] == "not_sender"
    await bob.call("POST", f"/messages/{original['id']}/reactions", {"emoji": "👍"}, expect=204)
    await bob.call("POST", f"/messages/{original['id']}/reactions", {"emoji": "👍"}, expect=204)
    history = (await alice.call("GET", f"/conversations/{conv}/messages", expect=200))["messages"]
    assert history[0]["reactions"] == {"👍": [bob.id]}
    await bob.call("DELETE", f"/messages/{original['id']}/reactions/👍", expect=204)
    refused = await bob.call("DELETE", f"/messages/{original['id']}", expect=403)
    assert refused["error"]["code"] == "not_sender"
    await alice.call("DELETE", f"/messages/{original['id']}", expect=204)
    history = (await bob.call("GET", f"/conversations/{conv}/messages", expect=200))["messages"]
    assert history[0]["deleted"] and history[0]["text"] is None and history[0]["reactions"] == {}
    gone = await alice.call("PATCH", f"/messages/{original['id']}", {"text": "x"}, expect=409)
    assert gone["error"]["code"] == "message_deleted"
    kinds = [e["kind"] for e in (await bob.call("GET", f"/conversations/{conv}/events",
                                                expect=200))["events"]]
    assert kinds == ["conversation.created", "message.new", "message.new", "message.edited",
                     "reaction.added", "reaction.removed", "message.deleted"]


async def test_history_pages_backwards_without_gaps(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    for i in range(25):
        await alice.send(conv, f"m{i}")
    seen: list[str] = []
    before = None
    while True:
        params = {"limit": 10} | ({"before_seq": before} if before else {})
        page = await bob.call("GET", f"/conversations/{conv}/messages", expect=200, **params)
        seen = [m["text"] for m in page["messages"]] + seen
        before = page["next_before_seq"]
        if before is None:
            break
    assert seen == [f"m{i}" for i in range(25)]


async def test_new_group_members_do_not_see_earlier_history(alice: Api, bob: Api,
                                                            carol: Api) -> None:
    conv = (await alice.call("POST", "/conversations/group",
                             {"title": "Trip", "member_ids": [bob.id]}, expect=201))[
        "conversation"]["id"]
    await alice.send(conv, "before carol")
    await alice.call("POST", f"/conversations/{conv}/members", {"user_ids": [carol.id]},
                     expect=204)
    await alice.send(conv, "after carol")
    texts = [m["text"] for m in (await carol.call("GET", f"/conversations/{conv}/messages",
                                                  expect=200))["messages"]]
    assert texts == ["after carol"]
    caught_up = (await carol.call("GET", f"/conversations/{conv}/events", expect=200))["events"]
    assert [e["payload"]["text"] for e in caught_up if e["kind"] == "message.new"] == [
        "after carol"]
