"""Two platform instances on one PostgreSQL and one Redis behave like one platform."""

from __future__ import annotations

import httpx
import pytest

from tests.scale.cluster import LOGIN_LIMIT, Instance
from tests.scale.streams import Users, events_until, quiet_frames, resumed_socket
from tests.support.api import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def test_a_message_sent_on_one_instance_reaches_a_socket_on_the_other_once_in_order(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    alice = await users.sign_up(a, "Alice Adams")
    bob = await users.sign_up(b, "Bob Brown")
    conversation_id = await alice.direct_with(bob)
    async with resumed_socket(bob, {conversation_id: 1}) as ws:
        sent = [await alice.send(conversation_id, f"hello {n}") for n in range(5)]
        frames = await events_until(ws, conversation_id, sent[-1]["seq"])
        frames += await quiet_frames(ws)
    assert [(f["seq"], f["kind"], f["payload"]["text"]) for f in frames] == [
        (m["seq"], "message.new", m["text"]) for m in sent]


async def test_typing_and_read_receipts_reach_every_socket_once_on_both_instances(
        cluster: list[Instance], users: Users) -> None:
    a, b = cluster
    alice = await users.sign_up(a, "Alice Adams")
    bob = await users.sign_up(b, "Bob Brown")
    conversation_id = await alice.direct_with(bob)
    sent = await alice.send(conversation_id, "are you there?")
    async with resumed_socket(alice) as alice_on_a, \
            resumed_socket(users.same_user_on(alice, b)) as alice_on_b, \
            resumed_socket(bob) as bob_on_b, \
            resumed_socket(users.same_user_on(bob, a)) as bob_on_a:
        await alice.call("POST", f"/conversations/{conversation_id}/typing", expect=204)
        await bob.call("POST", f"/conversations/{conversation_id}/read", {"seq": sent["seq"]},
                       expect=204)
        # Sorted: a frame published on the other instance may be overtaken by a local one.
        seen = {name: sorted(await quiet_frames(ws, 0.5), key=lambda f: f["type"])
                for name, ws in (
            ("alice on A", alice_on_a), ("alice on B", alice_on_b),
            ("bob on A", bob_on_a), ("bob on B", bob_on_b))}
    typing = {"type": "typing", "conversation_id": conversation_id, "user_id": alice.id}
    receipt = {"type": "receipt", "conversation_id": conversation_id, "user_id": bob.id,
               "read": sent["seq"]}
    assert seen == {"alice on A": [receipt], "alice on B": [receipt],
                    "bob on A": [receipt, typing], "bob on B": [receipt, typing]}


async def test_a_user_on_both_instances_sees_the_same_stream_on_each(cluster: list[Instance],
                                                                    users: Users) -> None:
    a, b = cluster
    alice = await users.sign_up(a, "Alice Adams")
    bob_on_a = await users.sign_up(a, "Bob Brown")
    bob_on_b = users.same_user_on(bob_on_a, b)
    conversation_id = await alice.direct_with(bob_on_a)
    async with resumed_socket(bob_on_a, {conversation_id: 1}) as ws_a, \
            resumed_socket(bob_on_b, {conversation_id: 1}) as ws_b:
        sent = [await alice.send(conversation_id, "from A"),
                await bob_on_b.send(conversation_id, "from B"),
                await alice.send(conversation_id, "from A again")]
        streams = [await events_until(ws, conversation_id, sent[-1]["seq"]) + await
                   quiet_frames(ws) for ws in (ws_a, ws_b)]
    expected = [(m["seq"], m["text"]) for m in sent]
    for stream in streams:
        assert [(f["seq"], f["payload"]["text"]) for f in stream] == expected


async def test_failed_log_ins_on_one_instance_count_on_the_other(cluster: list[Instance],
                                                                 users: Users) -> None:
    a, b = cluster
    victim = await users.sign_up(a, "Victim Vance")
    handle = victim.user["handle"]
    statuses = []
    async with httpx.AsyncClient() as anon:
        for attempt in range(LOGIN_LIMIT):
            instance = cluster[attempt % 2]
            response = await anon.post(f"{instance.url}/api/v1/auth/login",
                                       json={"handle": handle, "password": "wrong-password-1"})
            statuses.append(response.status_code)
        limited = await anon.post(f"{b.url}/api/v1/auth/login",
                                  json={"handle": handle, "password": PASSWORD})
        also_limited = await anon.post(f"{a.url}/api/v1/auth/login",
                                       json={"handle": handle, "password": PASSWORD})
    assert statuses == [401] * LOGIN_LIMIT
    assert limited.status_code == 429, limited.text
    assert limited.json()["error"]["code"] == "rate_limited"
    assert also_limited.status_code == 429
