"""Linking a bank that is already linked: the new link replaces the old one, and only once made."""

from __future__ import annotations

import asyncio

import pytest

from chatbank.core.errors import ChatbankError
from tests.connect.bank_side import (
    consent_status_at_bank,
    gateway_read,
    open_sealed,
    sealed_tokens,
)
from tests.support.linking import NewUser, answer_at_bank, finish_at_platform, link_bank
from tests.support.stack import Stack


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
