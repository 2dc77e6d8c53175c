"""The messenger's end-to-end suites for messages, the event log and conversations, re-run
unchanged on PostgreSQL with Redis: the same API must behave the same on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.e2e import test_conversations, test_event_log, test_messages
from tests.scale.cluster import migrated_database, own_keyspace, running_instances
from tests.support.postgres import PostgresServer
from tests.support.redis_server import RedisServer

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


# Permission checks behave the same on any database; these exercise the SQL that differs.
SQL_HEAVY_CONVERSATION_TESTS = (
    "test_group_lifecycle_rename_add_remove_leave",
    "test_conversation_list_is_ordered_by_last_activity_with_unread_counts",
    "test_contacts_and_search_by_handle",
    "test_blocked_people_cannot_message_or_add_you",
)


def _tests_of(module: ModuleType, only: tuple[str, ...] | None = None) -> dict[str, Any]:
    found = {name: test for name, test in vars(module).items()
             if name.startswith("test_") and callable(test) and (only is None or name in only)}
    assert only is None or len(found) == len(only), f"renamed upstream? {only} vs {list(found)}"
    return found


globals().update(_tests_of(test_messages))
globals().update(_tests_of(test_event_log))
globals().update(_tests_of(test_conversations, SQL_HEAVY_CONVERSATION_TESTS))


@pytest.fixture(scope="module")
def platform_url(postgres_server: PostgresServer, redis_server: RedisServer,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Replaces the suite's SQLite platform with one on PostgreSQL and Redis."""
    with running_instances(tmp_path_factory.mktemp("suite"), migrated_database(postgres_server),
                           own_keyspace(redis_server), count=1) as [instance]:
        yield instance.url
