"""Concurrent sends on PostgreSQL through two instances: gapless sequences, exactly-once sockets."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from tests.scale.cluster import Instance
from tests.scale.streams import Users, events_until, quiet_frames, resumed_socket
from tests.support.api import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SENDS_PER_USER = 50


async def test_concurrent_sends_through_both_instances_get_gapless_sequences_seen_once_in_order(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    alice_a = await users.sign_up(a, "Alice Adams")
    bob_b = await users.sign_up(b, "Bob Brown")
    alice_b, bob_a = users.same_user_on(alice_a, b), users.same_user_on(bob_b, a)
    conversation_id = await alice_a.direct_with(bob_b)
    senders = [alice_a, alice_b, bob_a, bob_b]
    async with resumed_socket(alice_a, {conversation_id: 1}) as alice_ws_a, \
            resumed_socket(alice_b, {conversation_id: 1}) as alice_ws_b, \
            resumed_socket(bob_a, {conversation_id: 1}) as bob_ws_a, \
            resumed_socket(bob_b, {conversation_id: 1}) as bob_ws_b:
        sent = await asyncio.gather(*[
            senders[n % 4].send(conversation_id, f"message {n}")
            for n in range(2 * SENDS_PER_USER)])
        last_seq = 1 + 2 * SENDS_PER_USER
        streams = [await events_until(ws, conversation_id, last_seq) + await quiet_frames(ws)
                   for ws in (alice_ws_a, alice_ws_b, bob_ws_a, bob_ws_b)]
    assert sorted(m["seq"] for m in sent) == list(range(2, last_seq + 1))
    by_seq = {m["seq"]: (m["id"], m["text"]) for m in sent}
    for stream in streams:
        assert [f["seq"] for f in stream] == list(range(2, last_seq + 1))
        assert {f["seq"]: (f["payload"]["id"], f["payload"]["text"]) for f in stream} == by_seq
    history = await bob_b.call("GET", f"/conversations/{conversation_id}/messages",
                               expect=200, limit=200)
    assert [m["seq"] for m in history["messages"]] == list(range(2, last_seq + 1))


async def test_concurrent_retries_of_one_client_id_store_one_message(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    alice_a = await users.sign_up(a, "Alice Adams")
    alice_b = users.same_user_on(alice_a, b)
    bob = await users.sign_up(b, "Bob Brown")
    conversation_id = await alice_a.direct_with(bob)
    body = {"client_id": uuid.uuid4().hex, "text": "pay you back tomorrow"}
    path = f"/api/v1/conversations/{conversation_id}/messages"
    responses = await asyncio.gather(*[
        (alice_a if n % 2 else alice_b).http.post(path, json=body) for n in range(20)])
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201], [
        r.text for r in responses if r.status_code not in (200, 201)]
    assert len({r.json()["message"]["id"] for r in responses}) == 1
    history = await bob.call("GET", f"/conversations/{conversation_id}/messages", expect=200)
    assert [(m["seq"], m["text"]) for m in history["messages"]] == [(2, body["text"])]
    events = await bob.call("GET", f"/conversations/{conversation_id}/events", expect=200,
                            after_seq=0)
    assert [e["seq"] for e in events["events"]] == [1, 2]

# Check-then-insert races in the messenger: the loser's unique violation is unhandled (500).
# Found by these tests; reported to the messenger's owner. Not strict: a run may miss the race.
RACE = "check-then-insert race: IntegrityError becomes 500 (see the scale report)"


@pytest.mark.xfail(reason=f"conversations.py open_direct: {RACE}", strict=False)
async def test_both_people_opening_their_direct_chat_at_once_get_the_same_one(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    pairs = [(await users.sign_up(a, "Alice Adams"), await users.sign_up(b, "Bob Brown"))
             for _ in range(5)]
    responses = await asyncio.gather(*[
        api.http.post("/api/v1/conversations/direct", json={"user_id": other.id})
        for alice, bob in pairs for api, other in ((alice, bob), (bob, alice))])
    assert [r.status_code for r in responses] == [201] * len(responses), [
        r.text for r in responses if r.status_code != 201]
    ids = [r.json()["conversation"]["id"] for r in responses]
    assert all(ids[n] == ids[n + 1] for n in range(0, len(ids), 2))


@pytest.mark.xfail(reason=f"accounts.py sign_up: {RACE}", strict=False)
async def test_signing_up_one_handle_twice_at_once_is_one_account_and_one_handle_taken(
        cluster: list[Instance]) -> None:
    handle = f"twin{uuid.uuid4().hex[:8]}"
    body = {"handle": handle, "display_name": "Twin", "password": PASSWORD}
    async with httpx.AsyncClient() as anon:
        responses = await asyncio.gather(*[
            anon.post(f"{cluster[n % 2].url}/api/v1/auth/signup", json=body) for n in range(4)])
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409], [
        r.text for r in responses]
    assert all(r.json()["error"]["code"] == "handle_taken"
               for r in responses if r.status_code == 409)


@pytest.mark.xfail(reason=f"sql_conversations.py add_reaction: {RACE}", strict=False)
async def test_reacting_with_the_same_emoji_at_once_adds_one_reaction(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    alice_a = await users.sign_up(a, "Alice Adams")
    alice_b = users.same_user_on(alice_a, b)
    bob = await users.sign_up(b, "Bob Brown")
    conversation_id = await alice_a.direct_with(bob)
    message = await bob.send(conversation_id, "lunch?")
    path = f"/api/v1/messages/{message['id']}/reactions"
    responses = await asyncio.gather(*[
        (alice_a if n % 2 else alice_b).http.post(path, json={"emoji": "👍"}) for n in range(6)])
    assert [r.status_code for r in responses] == [204] * 6, [r.text for r in responses]
    history = await bob.call("GET", f"/conversations/{conversation_id}/messages", expect=200)
    assert history["messages"][-1]["reactions"] == {"👍": [alice_a.id]}
