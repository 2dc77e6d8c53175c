"""Linking a bank that is already linked: the new link replaces the old one, and only once made."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import pytest

from chatbank.core.errors import ChatbankError
from chatbank.privacy.purposes import DataClass
from tests.connect.bank_side import (
    consent_status_at_bank,
    gateway_read,
    open_sealed,
    sealed_tokens,
)
from tests.support.linking import (
    NewUser,
    PlatformUser,
    answer_at_bank,
    finish_at_platform,
    link_bank,
)
from tests.support.stack import Stack

T = TypeVar("T")


def test_linking_the_same_bank_again_revokes_the_old_consent_and_reads_only_the_new_link(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    old = link_bank(stack, user)
    old_sealed = asyncio.run(sealed_tokens(stack.settings, old["id"]))
    link_bank(stack, user)
    statuses = {link["id"]: link["status"] for link in user.links()}
    (new_id,) = [link_id for link_id in statuses if link_id != old["id"]]
    assert statuses == {old["id"]: "revoked", new_id: "active"}
    new = next(link for link in user.links() if link["id"] == new_id)
    assert consent_status_at_bank(stack, old) == "Revoked"
    assert consent_status_at_bank(stack, new) == "Authorised"
    with pytest.raises(ChatbankError) as shredded:
        asyncio.run(open_sealed(stack.settings, user.user["id"], old["id"], old_sealed))
    assert shredded.value.code in ("data_key_destroyed", "vault_unreadable")
    result = gateway_read(stack.settings, user.user["id"])
    assert [answer.bank_id for answer in result.answers] == ["northbank"]
    assert not result.failures
    log = user.http.get("/api/v1/privacy/access-log").json()["entries"]
    replaced = [e for e in log if e["action"] == "link_revoked"]
    assert [e["code"] for e in replaced] == ["superseded"], replaced
    assert "replaced" in replaced[0]["text"] and "Northbank" in replaced[0]["text"]
    assert not [e for e in log if e["action"] == "read" and not e["allowed"]]


def test_a_refused_or_abandoned_new_link_leaves_the_working_link_alone(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    old = link_bank(stack, user)
    refused = answer_at_bank(stack, user.start_link("northbank", ["answer_account_questions"]),
                             decision="refuse")
    assert "link_error=" in finish_at_platform(user, refused).headers["location"]
    user.start_link("northbank", ["answer_account_questions"])  # never comes back from the bank
    assert sorted(link["status"] for link in user.links()) == ["active", "failed", "pending"]
    assert next(link for link in user.links() if link["status"] == "active")["id"] == old["id"]
    assert consent_status_at_bank(stack, old) == "Authorised"
    (answer,) = gateway_read(stack.settings, user.user["id"]).answers
    assert answer.bank_id == "northbank"


def _at_once(calls: list[Callable[[], T]]) -> list[T]:
    """Run the calls in threads released together, so their requests overlap at the platform."""
    start = threading.Barrier(len(calls))

    def released(call: Callable[[], T]) -> T:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(released, calls))


def _callback(stack: Stack, user: PlatformUser, answer: dict[str, str]) -> Callable[[], str]:
    """The bank's redirect landing in its own browser tab (the user's cookies, own connection)."""
    def land() -> str:
        with httpx.Client(base_url=stack.platform_url, cookies=user.http.cookies,
                          timeout=60) as tab:
            return str(tab.get("/connect/callback", params=answer).headers["location"])
    return land


def relinks_answered_at_bank(stack: Stack, user: PlatformUser) -> tuple[dict[str, Any],
                                                                        list[dict[str, str]]]:
    """Link Northbank, start linking it again twice at once and approve both at the bank;
    returns the first link and the bank's two answers (not yet back at the platform)."""
    old = link_bank(stack, user)
    starts = _at_once([lambda: user.start_link("northbank", ["answer_account_questions"])] * 2)
    return old, [answer_at_bank(stack, url) for url in starts]


def assert_one_link_left(stack: Stack, user: PlatformUser, old: dict[str, Any]) -> None:
    """One active link, the two others revoked at the bank, one bank read once, both audited."""
    links = user.links()
    active = [link for link in links if link["status"] == "active"]
    assert len(links) == 3 and len(active) == 1 and active[0]["id"] != old["id"], links
    for link in links:  # the winner's consent alone stays live at the bank
        assert consent_status_at_bank(stack, link) == (
            "Authorised" if link["id"] == active[0]["id"] else "Revoked"), link
    result = gateway_read(stack.settings, user.user["id"], data_class=DataClass.ACCOUNTS)
    assert not result.failures, result.failures
    (answer,) = result.answers  # one bank, read once, through the winning link
    account_ids = [account["AccountId"] for account in answer.accounts]
    assert len(account_ids) == len(set(account_ids)) == 1, account_ids
    log = user.http.get("/api/v1/privacy/access-log").json()["entries"]
    assert [e["action"] for e in log].count("link_created") == 3, log
    assert sorted(e["code"] for e in log if e["action"] == "link_revoked") == [
        "superseded", "superseded"], log


def test_two_relinks_of_the_same_bank_at_once_leave_exactly_one_link_and_no_stale_consent(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    old, answers = relinks_answered_at_bank(stack, user)
    landed = _at_once([_callback(stack, user, answer) for answer in answers])
    assert all("linked=" in location for location in landed), landed
    assert_one_link_left(stack, user, old)
