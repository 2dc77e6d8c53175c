"""The shred races of test_shred_races.py on PostgreSQL (the scale-out store), where a shred
holds the kept links' rows (the refresh's row lock) and the user's advisory lock: the refresh
runs on a second platform instance, so only the database locks keep the two apart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chatbank.db.migrate import upgrade_to_head
from tests.connect.test_shred_races import (
    completion_during_deletion_leaves_no_live_link,
    refresh_during_disconnect_keeps_the_other_bank,
)
from tests.support.linking import NewUser
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.stack import Stack, running_stack

__all__ = ["postgres_server"]  # session fixture, registered by this import


@pytest.fixture(scope="module")
def stack(postgres_server: PostgresServer,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Two real sandbox banks and a platform whose database is PostgreSQL."""
    url = postgres_server.fresh_database("shred")
    upgrade_to_head(url)
    with running_stack(tmp_path_factory.mktemp("pg-shred"), database_url=url,
                       bank_names=("Northbank", "Southbank")) as running:
        yield running


def test_a_refresh_on_one_instance_while_another_disconnects_a_bank_keeps_its_fresh_tokens(
        stack: Stack, new_user: NewUser, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh_during_disconnect_keeps_the_other_bank(stack, new_user, monkeypatch, instances=2)


def test_a_link_completed_while_the_account_is_deleted_is_not_left_live_on_postgres(
        stack: Stack, new_user: NewUser, monkeypatch: pytest.MonkeyPatch) -> None:
    completion_during_deletion_leaves_no_live_link(stack, new_user, monkeypatch)
