"""Tokens are refreshed before they expire; a PKCE mismatch leaves no link and no consent."""

from __future__ import annotations

import asyncio
import sqlite3

from chatbank.bootstrap import build_platform
from chatbank.config import Settings
from chatbank.connect.model import state_digest
from chatbank.connect.ob_client import TokenSet
from tests.connect.bank_side import consent_status_at_bank, gateway_read
from tests.support.linking import (
    NewUser,
    answer_at_bank,
    finish_at_platform,
    link_bank,
)
from tests.support.stack import Stack


async def _expire_access_token(settings: Settings, user_id: str, link_id: str) -> None:
    platform = await build_platform(settings)
    try:
        link = await platform.links.access_link_by_id(user_id, link_id)
        tokens = await platform.links.tokens.load(link)
        await platform.links.tokens.store(link, TokenSet(tokens.access_token,
                                                         tokens.refresh_token, 0.0))
    finally:
        await platform.close()


def test_an_access_token_near_expiry_is_refreshed_and_audited(stack: Stack,
                                                               new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    asyncio.run(_expire_access_token(stack.settings, user.user["id"], link["id"]))
    result = gateway_read(stack.settings, user.user["id"])
    assert result.answers and not result.failures
    actions = [e["action"] for e in user.http.get("/api/v1/privacy/access-log").json()["entries"]]
    assert actions[:2] == ["token_refreshed", "read"]  # newest first: read checked, then renewed


async def _seal_wrong_verifier(settings: Settings, user_id: str, state: str) -> None:
    platform = await build_platform(settings)
    try:
        sealed = await platform.vault.seal(user_id, b"not-the-verifier-" + b"x" * 40,
                                           state_digest(state).encode())
    finally:
        await platform.close()
    with sqlite3.connect(settings.data_dir / "platform.db") as db:
        db.execute("UPDATE link_attempts SET sealed_verifier = ? WHERE state_hash = ?",
                   (sealed, state_digest(state)))


def test_a_pkce_mismatch_leaves_no_link_and_deletes_the_consent(stack: Stack,
                                                                new_user: NewUser) -> None:
    user = new_user()
    answer = answer_at_bank(stack, user.start_link("northbank", ["answer_account_questions"]))
    asyncio.run(_seal_wrong_verifier(stack.settings, user.user["id"], answer["state"]))
    landed = finish_at_platform(user, answer)
    assert "link_error=" in landed.headers["location"]
    (link,) = user.links()
    assert link["status"] == "failed"
    assert consent_status_at_bank(stack, link) in ("Revoked", "Rejected")
