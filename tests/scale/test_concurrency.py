"""Concurrent sends on PostgreSQL through two instances: gapless sequences, exactly-once sockets."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.scale.cluster import Instance
from tests.scale.streams import Users, events_until, quiet_frames, resumed_socket

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
