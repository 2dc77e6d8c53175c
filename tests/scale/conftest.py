"""Scale-out fixtures: throwaway PostgreSQL and Redis, and platform instances sharing them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.scale.cluster import (
    LOGIN_LIMIT,
    Instance,
    migrated_database,
    own_keyspace,
    running_instances,
)
from tests.scale.streams import Users
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.redis_server import RedisServer, redis_server

__all__ = ["postgres_server", "redis_server"]  # session fixtures, registered by this import



@pytest.fixture(scope="session")
def cluster(postgres_server: PostgresServer, redis_server: RedisServer,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Instance]]:
    """Two platform instances (A and B) sharing one PostgreSQL database and one Redis.

    Shared by the session's scale tests, which each sign up users of their own."""
    database_url = migrated_database(postgres_server)
    with running_instances(tmp_path_factory.mktemp("cluster"), database_url,
                           own_keyspace(redis_server),
                           login_attempts_per_window=LOGIN_LIMIT) as instances:
        yield instances


@pytest.fixture
async def users() -> AsyncIterator[Users]:
    """Creates users on chosen instances; their HTTP clients are closed after the test."""
    created = Users()
    yield created
    await created.close()
