"""Concurrent sends on PostgreSQL through two instances: gapless sequences, exactly-once sockets."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest

from tests.scale.cluster import Instance
from tests.scale.streams import Users, frames_until, quiet_frames, resumed_socket
from tests.support.api import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

SENDS_PER_USER = 50


async def send_frames(ws: Any, conversation_id: str, texts: list[str]) -> None:
    for ref, text in enumerate(texts):
        await ws.send(json.dumps({"type": "send", "ref": ref, "conversation_id": conversation_id,
                                  "client_id": uuid.uuid4().hex, "text": text}))


async def test_concurrent_sends_through_both_instances_get_gapless_sequences_seen_once_in_order(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    alice_a = await users.sign_up(a, "Alice Adams")
    bob_b = await users.sign_up(b, "Bob Brown")
    alice_b, bob_a = users.same_user_on(alice_a, b), users.same_user_on(bob_b, a)
    conversation_id = await alice_a.direct_with(bob_b)
    half = SENDS_PER_USER // 2
    last_seq = 1 + 2 * SENDS_PER_USER
    async with resumed_socket(alice_a, {conversation_id: 1}) as alice_ws_a, \
            resumed_socket(alice_b, {conversation_id: 1}) as alice_ws_b, \
            resumed_socket(bob_a, {conversation_id: 1}) as bob_ws_a, \
            resumed_socket(bob_b, {conversation_id: 1}) as bob_ws_b:
        # Alice sends over her two sockets, Bob over HTTP to both instances, all at once.
        _a, _b, *bob_sent = await asyncio.gather(
            send_frames(alice_ws_a, conversation_id, [f"alice A{n}" for n in range(half)]),
            send_frames(alice_ws_b, conversation_id, [f"alice B{n}" for n in range(half)]),
            *[(bob_a, bob_b)[n % 2].send(conversation_id, f"bob {n}")
              for n in range(SENDS_PER_USER)])
        streams = {}
        for name, ws, acks in (("alice A", alice_ws_a, half), ("alice B", alice_ws_b, half),
                               ("bob A", bob_ws_a, 0), ("bob B", bob_ws_b, 0)):
            frames = await frames_until(ws, lambda fs, acks=acks: sum(
                f["type"] == "ack" for f in fs) >= acks and any(
                f["type"] == "event" and f["seq"] == last_seq for f in fs))
            streams[name] = frames + await quiet_frames(ws)
    acked = [f["message"] for name in ("alice A", "alice B") for f in streams[name]
             if f["type"] == "ack"]
    sent = {m["seq"]: (m["id"], m["text"]) for m in [*bob_sent, *acked]}
    assert sorted(sent) == list(range(2, last_seq + 1))
    for name, frames in streams.items():
        events = [f for f in frames if f["type"] == "event"]
        assert [f["seq"] for f in events] == list(range(2, last_seq + 1)), name
        assert {f["seq"]: (f["payload"]["id"], f["payload"]["text"]) for f in events} == sent
        assert {f["type"] for f in frames} <= {"event", "ack"}, name
    history = await bob_b.call("GET", f"/conversations/{conversation_id}/messages",
                               expect=200, limit=200)
    assert [(m["seq"], m["text"]) for m in history["messages"]] == sorted(
        (seq, text) for seq, (_id, text) in sent.items())


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

async def test_both_people_opening_their_direct_chat_at_once_get_the_same_one(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    pairs = [(await users.sign_up(a, "Alice Adams"), await users.sign_up(b, "Bob Brown"))
             for _ in range(3)]
    responses = await asyncio.gather(*[
        api.http.post("/api/v1/conversations/direct", json={"user_id": other.id})
        for alice, bob in pairs for api, other in ((alice, bob), (bob, alice))])
    assert [r.status_code for r in responses] == [201] * len(responses), [
        r.text for r in responses if r.status_code != 201]
    ids = [r.json()["conversation"]["id"] for r in responses]
    assert all(ids[n] == ids[n + 1] for n in range(0, len(ids), 2))


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
