"""The messenger's key flows on PostgreSQL: the schema migrates and the API behaves as on SQLite."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import uuid
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from chatbank.db import create_engine_for_url
from chatbank.db.all_tables import platform_metadata
from chatbank.db.migrate import alembic_config, upgrade_to_head
from tests.scale.cluster import Instance, migrated_database
from tests.scale.streams import Users, resumed_socket
from tests.support.api import next_frame
from tests.support.postgres import PostgresServer

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


def test_migrations_build_exactly_the_declared_schema_on_postgres(
        postgres_server: PostgresServer) -> None:
    url = migrated_database(postgres_server, prefix="schema")

    def differences(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, platform_metadata))

    async def compare() -> list[Any]:
        engine = create_engine_for_url(url, pool_size=1)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(differences)
        finally:
            await engine.dispose()

    assert asyncio.run(compare()) == []
    database = url.rsplit("/", 1)[1]
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert postgres_server.psql("SELECT version_num FROM alembic_version", database) == head


def test_migrating_twice_changes_nothing(postgres_server: PostgresServer) -> None:
    url = migrated_database(postgres_server, prefix="twice")
    upgrade_to_head(url)
    database = url.rsplit("/", 1)[1]
    assert postgres_server.psql("SELECT count(*) FROM alembic_version", database) == "1"


async def test_a_retry_with_the_same_client_id_returns_the_original(
        cluster: list[Instance], users: Users) -> None:
    alice = await users.sign_up(cluster[0], "Alice Adams")
    bob = await users.sign_up(cluster[0], "Bob Brown")
    conversation_id = await alice.direct_with(bob)
    assert await bob.direct_with(alice) == conversation_id
    client_id = uuid.uuid4().hex
    body = {"client_id": client_id, "text": "hello from postgres"}
    path = f"/conversations/{conversation_id}/messages"
    first = await alice.call("POST", path, body, expect=201)
    retry = await alice.call("POST", path, body, expect=200)
    reused = await alice.call("POST", path, {"client_id": client_id, "text": "other"}, expect=409)
    assert retry["message"] == first["message"]
    assert first["message"]["seq"] == 2 and first["message"]["text"] == "hello from postgres"
    assert reused["error"]["code"] == "client_id_reused"


async def test_history_pages_backwards_without_overlap(
        cluster: list[Instance], users: Users) -> None:
    alice = await users.sign_up(cluster[0], "Alice Adams")
    bob = await users.sign_up(cluster[0], "Bob Brown")
    conversation_id = await alice.direct_with(bob)
    for number in range(1, 8):
        await (alice if number % 2 else bob).send(conversation_id, f"message {number}")
    path = f"/conversations/{conversation_id}/messages"
    newest = await bob.call("GET", path, expect=200, limit=3)
    older = await bob.call("GET", path, expect=200, limit=3,
                           before_seq=newest["next_before_seq"])
    oldest = await bob.call("GET", path, expect=200, limit=3,
                            before_seq=older["next_before_seq"])
    pages = [[m["text"] for m in page["messages"]] for page in (oldest, older, newest)]
    assert pages == [["message 1"], ["message 2", "message 3", "message 4"],
                     ["message 5", "message 6", "message 7"]]


async def test_read_receipts_move_forward_and_reach_the_sender(
        cluster: list[Instance], users: Users) -> None:
    alice = await users.sign_up(cluster[0], "Alice Adams")
    bob = await users.sign_up(cluster[0], "Bob Brown")
    conversation_id = await alice.direct_with(bob)
    sent = [await alice.send(conversation_id, text) for text in ("one", "two", "three")]
    read_path = f"/conversations/{conversation_id}/read"
    async with resumed_socket(alice) as ws:
        await bob.call("POST", read_path, {"seq": sent[1]["seq"]}, expect=204)
        receipt = await next_frame(ws, "receipt")
        await bob.call("POST", read_path, {"seq": sent[0]["seq"]}, expect=204)  # never backwards
    assert receipt == {"type": "receipt", "conversation_id": conversation_id,
                       "user_id": bob.id, "read": sent[1]["seq"]}
    mine = (await bob.call("GET", f"/conversations/{conversation_id}"))["conversation"]
    assert mine["my_read_seq"] == sent[1]["seq"] and mine["unread"] == 1
    theirs = (await alice.call("GET", f"/conversations/{conversation_id}"))["conversation"]
    assert {m["id"]: m["read_seq"] for m in theirs["members"]}[bob.id] == sent[1]["seq"]


def test_instances_starting_together_migrate_one_after_the_other(
        postgres_server: PostgresServer) -> None:
    url = postgres_server.fresh_database("together")
    # Processes held at a start line until their imports are done, then let go at once.
    code = ("import sys; from chatbank.db.migrate import upgrade_to_head; print('ready', "
            f"flush=True); sys.stdin.readline(); upgrade_to_head({url!r})")
    starts = [subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    try:
        assert all(p.stdout and p.stdout.readline().strip() == "ready" for p in starts)
        for p in starts:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        errors = [p.communicate(timeout=60)[1] for p in starts]
    finally:
        for p in starts:
            p.kill()
            p.wait()
    assert [p.returncode for p in starts] == [0] * len(starts), [e[-600:] for e in errors]
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    database = url.rsplit("/", 1)[1]
    assert postgres_server.psql("SELECT version_num FROM alembic_version", database) == head
