"""Redis is a cache and a bus, not a store: when it restarts, instances reconnect and catch up."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from chatbank.messenger.adapters.redis_bus import CHANNEL
from tests.scale.cluster import Instance, migrated_database, running_instances
from tests.scale.streams import Users, caught_up, events_until, quiet_frames, resumed_socket
from tests.support.api import PASSWORD
from tests.support.postgres import PostgresServer
from tests.support.redis_server import RedisServer, running_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def own_redis() -> Iterator[RedisServer]:
    """A Redis of this module's own, since its tests crash it."""
    with running_redis() as server:
        yield server


@pytest.fixture(scope="module")
def fragile_cluster(postgres_server: PostgresServer, own_redis: RedisServer,
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Instance]]:
    with running_instances(tmp_path_factory.mktemp("fragile"), migrated_database(postgres_server),
                           own_redis.url) as instances:
        yield instances


async def subscribers(redis: RedisServer) -> int:
    def count() -> int:
        with redis.client() as client:
            return int(dict(client.pubsub_numsub(CHANNEL))[CHANNEL.encode()])

    return await asyncio.to_thread(count)


async def wait_for_subscribers(redis: RedisServer, expected: int, timeout_s: float = 10) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while (found := await subscribers(redis)) != expected:
        assert asyncio.get_running_loop().time() < deadline, f"{found} subscribers, not {expected}"
        await asyncio.sleep(0.05)


async def test_after_a_redis_restart_messages_cross_instances_again(
        fragile_cluster: list[Instance], own_redis: RedisServer, users: Users) -> None:
    a, b = fragile_cluster
    alice = await users.sign_up(a, "Alice Adams")
    bob = await users.sign_up(b, "Bob Brown")
    conversation_id = await alice.direct_with(bob)
    await wait_for_subscribers(own_redis, 2)
    async with resumed_socket(bob, {conversation_id: 1}) as ws:
        before = await alice.send(conversation_id, "before the restart")
        received = await events_until(ws, conversation_id, before["seq"])
        await asyncio.to_thread(own_redis.restart)
        await wait_for_subscribers(own_redis, 2)
        after = await alice.send(conversation_id, "after the restart")
        received += await events_until(ws, conversation_id, after["seq"])
        received += await quiet_frames(ws)
    assert [(f["seq"], f["payload"]["text"]) for f in received] == [
        (before["seq"], "before the restart"), (after["seq"], "after the restart")]


async def test_messages_sent_while_redis_is_down_are_stored_and_caught_up(
        fragile_cluster: list[Instance], own_redis: RedisServer, users: Users) -> None:
    a, b = fragile_cluster
    alice = await users.sign_up(a, "Alice Adams")
    bob = await users.sign_up(b, "Bob Brown")
    conversation_id = await alice.direct_with(bob)
    await wait_for_subscribers(own_redis, 2)
    async with resumed_socket(bob, {conversation_id: 1}) as ws:
        await asyncio.to_thread(own_redis.crash)
        try:
            during = await alice.send(conversation_id, "while redis is down")
        finally:
            await asyncio.to_thread(own_redis.start_again)
        await wait_for_subscribers(own_redis, 2)
        after = await alice.send(conversation_id, "after the restart")
        # The live socket missed `during` on the bus; the gap before `after` is filled from the
        # event log, so it still sees every message once and in order.
        received = await events_until(ws, conversation_id, after["seq"])
        received += await quiet_frames(ws)
    assert [(f["seq"], f["payload"]["text"]) for f in received] == [
        (during["seq"], "while redis is down"), (after["seq"], "after the restart")]
    returning = await caught_up(bob, {conversation_id: 1})  # a client that was away
    assert [f["seq"] for f in returning] == [during["seq"], after["seq"]]


async def test_log_in_works_while_redis_is_down_and_after_it_restarts(
        fragile_cluster: list[Instance], own_redis: RedisServer, users: Users) -> None:
    alice = await users.sign_up(fragile_cluster[0], "Alice Adams")
    body = {"handle": alice.user["handle"], "password": PASSWORD}
    await asyncio.to_thread(own_redis.crash)
    try:  # rate limits fall back to counting per instance
        while_down = await alice.http.post(f"{fragile_cluster[1].url}/api/v1/auth/login",
                                           json=body)
    finally:
        await asyncio.to_thread(own_redis.start_again)
    assert while_down.status_code == 200, while_down.text
    for instance in fragile_cluster:
        response = await alice.http.post(f"{instance.url}/api/v1/auth/login", json=body)
        assert response.status_code == 200, response.text
