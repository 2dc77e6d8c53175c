"""Groups, membership, authorisation on every conversation, contacts and blocking."""

from __future__ import annotations

from tests.support.api import Api


async def group(owner: Api, *members: Api, title: str = "Flatmates") -> str:
    body = await owner.call("POST", "/conversations/group",
                            {"title": title, "member_ids": [m.id for m in members]}, expect=201)
    return str(body["conversation"]["id"])


async def test_group_lifecycle_rename_add_remove_leave(alice: Api, bob: Api, carol: Api) -> None:
    conv = await group(alice, bob)
    await bob.call("PATCH", f"/conversations/{conv}", {"title": "Flat 4B"}, expect=204)
    await alice.call("POST", f"/conversations/{conv}/members", {"user_ids": [carol.id]},
                     expect=204)
    view = (await carol.call("GET", f"/conversations/{conv}", expect=200))["conversation"]
    assert view["title"] == "Flat 4B"
    assert {m["id"] for m in view["members"]} == {alice.id, bob.id, carol.id}
    await alice.call("DELETE", f"/conversations/{conv}/members/{carol.id}", expect=204)
    gone = await carol.call("GET", f"/conversations/{conv}", expect=404)
    assert gone["error"]["code"] == "conversation_not_found"
    await alice.call("POST", f"/conversations/{conv}/leave", expect=204)
    # The last admin left: the longest-standing member became admin.
    after = (await bob.call("GET", f"/conversations/{conv}", expect=200))["conversation"]
    assert after["my_role"] == "admin"
    assert [m["id"] for m in after["members"]] == [bob.id]


async def test_only_admins_manage_members(alice: Api, bob: Api, carol: Api) -> None:
    conv = await group(alice, bob)
    refused = await bob.call("POST", f"/conversations/{conv}/members",
                             {"user_ids": [carol.id]}, expect=403)
    assert refused["error"]["code"] == "not_admin"
    await alice.call("PATCH", f"/conversations/{conv}/members/{bob.id}", {"role": "admin"},
                     expect=204)
    await bob.call("POST", f"/conversations/{conv}/members", {"user_ids": [carol.id]},
                   expect=204)


async def test_outsiders_cannot_see_or_touch_a_conversation(alice: Api, bob: Api,
                                                            carol: Api) -> None:
    conv = await alice.direct_with(bob)
    message = await alice.send(conv, "private")
    for method, path, body in [
        ("GET", f"/conversations/{conv}", None),
        ("GET", f"/conversations/{conv}/messages", None),
        ("GET", f"/conversations/{conv}/events", None),
        ("POST", f"/conversations/{conv}/messages", {"client_id": "c1", "text": "hi"}),
        ("POST", f"/conversations/{conv}/read", {"seq": 1}),
        ("POST", f"/conversations/{conv}/typing", None),
        ("PATCH", f"/conversations/{conv}", {"title": "mine"}),
    ]:
        answer = await carol.call(method, path, body, expect=404)
        assert answer["error"]["code"] == "conversation_not_found"
    for method, path, body in [
        ("PATCH", f"/messages/{message['id']}", {"text": "edited"}),
        ("DELETE", f"/messages/{message['id']}", None),
        ("POST", f"/messages/{message['id']}/reactions", {"emoji": "👍"}),
    ]:
        answer = await carol.call(method, path, body, expect=404)
        assert answer["error"]["code"] == "conversation_not_found"
    history = await alice.call("GET", f"/conversations/{conv}/messages", expect=200)
    assert [m["text"] for m in history["messages"]] == ["private"]
    assert history["messages"][0]["reactions"] == {}


async def test_unknown_ids_are_404_with_codes(alice: Api) -> None:
    assert (await alice.call("GET", "/conversations/cnv_nope", expect=404))["error"][
        "code"] == "conversation_not_found"
    assert (await alice.call("PATCH", "/messages/msg_nope", {"text": "x"}, expect=404))[
        "error"]["code"] == "message_not_found"
    assert (await alice.call("POST", "/conversations/direct", {"user_id": "usr_nope"},
                             expect=404))["error"]["code"] == "user_not_found"
    assert (await alice.call("GET", "/no/such/route", expect=404))["error"]["code"] == "not_found"


async def test_direct_chat_with_yourself_is_refused(alice: Api) -> None:
    answer = await alice.call("POST", "/conversations/direct", {"user_id": alice.id}, expect=422)
    assert answer["error"]["code"] == "self_conversation"


async def test_conversation_list_is_ordered_by_last_activity_with_unread_counts(
        alice: Api, bob: Api, carol: Api) -> None:
    with_bob = await alice.direct_with(bob)
    with_carol = await alice.direct_with(carol)
    await bob.send(with_bob, "one")
    await bob.send(with_bob, "two")
    await carol.send(with_carol, "newest")
    listed = (await alice.call("GET", "/conversations", expect=200))["conversations"]
    assert [c["id"] for c in listed[:2]] == [with_carol, with_bob]
    assert listed[1]["unread"] == 2 and listed[0]["unread"] == 1
    last = listed[1]["last_seq"]
    await alice.call("POST", f"/conversations/{with_bob}/read", {"seq": last}, expect=204)
    listed = (await alice.call("GET", "/conversations", expect=200))["conversations"]
    assert {c["id"]: c["unread"] for c in listed}[with_bob] == 0


async def test_contacts_and_search_by_handle(alice: Api, bob: Api) -> None:
    handle = bob.user["handle"]
    found = await alice.call("GET", "/users/search", q=handle[:6], expect=200)
    assert bob.id in [u["id"] for u in found["users"]]
    await alice.call("POST", "/contacts", {"handle": "@" + handle}, expect=201)
    await alice.call("POST", "/contacts", {"handle": handle}, expect=201)  # idempotent
    contacts = (await alice.call("GET", "/contacts", expect=200))["contacts"]
    assert [c["id"] for c in contacts] == [bob.id]
    await alice.call("DELETE", f"/contacts/{bob.id}", expect=204)
    assert (await alice.call("GET", "/contacts", expect=200))["contacts"] == []
    refused = await alice.call("GET", "/users/search", q="%%%", expect=422)
    assert refused["error"]["code"] == "invalid_query"


async def test_blocked_people_cannot_message_or_add_you(alice: Api, bob: Api, carol: Api) -> None:
    conv = await alice.direct_with(bob)
    await bob.call("POST", "/blocks", {"user_id": alice.id}, expect=204)
    before = (await bob.call("GET", f"/conversations/{conv}", expect=200))["conversation"]
    refused = await alice.call("POST", f"/conversations/{conv}/messages",
                               {"client_id": "blocked-1", "text": "hello?"}, expect=403)
    assert refused["error"]["code"] == "blocked"
    after = (await bob.call("GET", f"/conversations/{conv}", expect=200))["conversation"]
    assert after["last_seq"] == before["last_seq"]
    no_group = await alice.call("POST", "/conversations/group",
                                {"title": "x", "member_ids": [bob.id, carol.id]}, expect=403)
    assert no_group["error"]["code"] == "blocked"
    await bob.call("DELETE", f"/blocks/{alice.id}", expect=204)
    await alice.send(conv, "hello again")
