"""Crypto-shreds racing a token refresh or a link completion (SQLite, one instance).

A refresh of one bank while the user disconnects another must neither seal its new tokens
under the key being destroyed nor be overwritten by the spent refresh token the shred read;
a link completed while the account is deleted must not leave a live link behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from chatbank.connect.model import LinkStatus
from tests.connect.bank_side import gateway_read
from tests.connect.shred_races import (
    answered_but_not_back,
    link_completed_while_deleting,
    link_two_banks,
    refresh_while_disconnecting,
)
from tests.connect.test_concurrent_refresh import _refresh_tokens_at_bank
from tests.support.linking import NewUser
from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Two real sandbox banks and a platform that knows both (SQLite)."""
    with running_stack(tmp_path_factory.mktemp("stack"),
                       bank_names=("Northbank", "Southbank")) as running:
        yield running


def refresh_during_disconnect_keeps_the_other_bank(stack: Stack, new_user: NewUser,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   instances: int) -> None:
    user = new_user()
    kept, ended = link_two_banks(stack, user)
    consent = next(link for link in user.links() if link["id"] == kept)["consent_id"]
    asyncio.run(refresh_while_disconnecting(stack.settings, monkeypatch, user.user["id"],
                                            kept, ended, instances))
    assert {link["id"]: link["status"] for link in user.links()} == {
        kept: "active", ended: "revoked"}
    result = gateway_read(stack.settings, user.user["id"])
    assert not result.failures, result.failures
    assert [answer.bank_id for answer in result.answers] == ["northbank"]
    assert _refresh_tokens_at_bank(stack, consent) == (2, 1)  # rotated once, never replayed
    log = user.http.get("/api/v1/privacy/access-log").json()["entries"]
    assert [e["action"] for e in log].count("token_refreshed") == 1, log


def completion_during_deletion_leaves_no_live_link(stack: Stack, new_user: NewUser,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    user = new_user()
    answer = answered_but_not_back(stack, user)
    statuses = asyncio.run(link_completed_while_deleting(stack.settings, monkeypatch, user,
                                                         answer))
    assert len(statuses) == 1 and statuses[0] is not LinkStatus.ACTIVE, statuses


def test_a_refresh_while_another_bank_is_disconnected_keeps_its_fresh_tokens(
        stack: Stack, new_user: NewUser, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh_during_disconnect_keeps_the_other_bank(stack, new_user, monkeypatch, instances=1)


def test_a_link_completed_while_the_account_is_deleted_is_not_left_live(
        stack: Stack, new_user: NewUser, monkeypatch: pytest.MonkeyPatch) -> None:
    completion_during_deletion_leaves_no_live_link(stack, new_user, monkeypatch)
