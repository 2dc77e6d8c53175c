"""Two platform instances on one PostgreSQL database refresh a link's token once between them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from chatbank.db.migrate import upgrade_to_head
from tests.connect.test_concurrent_refresh import assert_refreshed_once, concurrent_reads
from tests.support.linking import NewUser, link_bank
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.stack import Stack, running_stack

__all__ = ["postgres_server"]  # session fixture, registered by this import


@pytest.fixture(scope="module")
def stack(postgres_server: PostgresServer,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Northbank and a platform whose database is PostgreSQL (the scale-out store)."""
    url = postgres_server.fresh_database("refresh")
    upgrade_to_head(url)
    with running_stack(tmp_path_factory.mktemp("pg-stack"), database_url=url) as running:
        yield running


def test_two_platform_instances_reading_near_expiry_refresh_the_token_once(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    results = asyncio.run(concurrent_reads(stack.settings, user.user["id"], link["id"],
                                           instances=2))
    assert_refreshed_once(stack, user, link, results)
