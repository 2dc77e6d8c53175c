"""Two platform instances on one PostgreSQL database refresh a link's token once between them,
a refresh the bank refuses still marks the link lost (the row lock is released first), and two
relinks of one bank completed at once on both instances leave exactly one link."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from chatbank.bootstrap import build_platform
from chatbank.config import Settings
from chatbank.db.migrate import upgrade_to_head
from tests.connect.test_concurrent_refresh import (
    concurrent_reads,
    reads_near_expiry_refresh_once,
)
from tests.connect.test_relinking import assert_one_link_left, relinks_answered_at_bank
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
    reads_near_expiry_refresh_once(stack, new_user, instances=2)


async def _revoke_refresh_token_at_bank(settings: Settings, user_id: str, link_id: str) -> None:
    platform = await build_platform(settings)
    try:
        link = await platform.links.access_link_by_id(user_id, link_id)
        tokens = await platform.links.tokens.load(link)
        assert tokens.refresh_token is not None
        await platform.ob.revoke_token(platform.directory.get(link.bank_id),
                                       tokens.refresh_token)
    finally:
        await platform.close()


def test_a_refused_refresh_under_the_row_lock_marks_the_link_lost_without_deadlock(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    asyncio.run(_revoke_refresh_token_at_bank(stack.settings, user.user["id"], link["id"]))
    results = asyncio.run(concurrent_reads(stack.settings, user.user["id"], link["id"],
                                           instances=2))
    codes = {failure.code for r in results for _, failure in r.failures}
    assert codes == {"bank_access_revoked"} and not any(r.answers for r in results)
    assert [lnk["status"] for lnk in user.links()] == ["revoked"]


async def _complete_on_two_instances(settings: Settings, user_id: str,
                                     answers: list[dict[str, str]]) -> None:
    platforms = [await build_platform(settings) for _ in answers]
    try:
        await asyncio.gather(*(
            platform.links.do_complete_link(user_id, answer["state"], answer["code"], None)
            for platform, answer in zip(platforms, answers, strict=True)))
    finally:
        for platform in platforms:
            await platform.close()


def test_two_relinks_completed_at_once_on_two_instances_leave_exactly_one_link(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    old, answers = relinks_answered_at_bank(stack, user)
    asyncio.run(_complete_on_two_instances(stack.settings, user.user["id"], answers))
    assert_one_link_left(stack, user, old)
