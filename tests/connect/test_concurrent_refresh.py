"""Concurrent reads near token expiry refresh once: the bank never sees a replayed refresh token.

The bank rotates refresh tokens and treats a reused one as leaked (RFC 9700): it refuses it and
revokes every token of the consent. So two reads that both refresh would lose the link.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from typing import Any

from chatbank.bootstrap import build_platform
from chatbank.config import Settings
from chatbank.connect.ob_client import TokenSet
from chatbank.privacy.purposes import DataClass, Purpose
from tests.support.linking import NewUser, PlatformUser, link_bank
from tests.support.stack import Stack

CONCURRENT_READS = 6
_CLASSES = (DataClass.ACCOUNTS, DataClass.BALANCES, DataClass.TRANSACTIONS)


async def concurrent_reads(settings: Settings, user_id: str, link_id: str,
                           instances: int) -> list[Any]:
    """Bring the link's access token to 30 s before expiry, then read from every instance."""
    platforms = [await build_platform(settings) for _ in range(instances)]
    try:
        links = platforms[0].links
        link = await links.access_link_by_id(user_id, link_id)
        tokens = await links.tokens.load(link)
        await links.tokens.store(link, TokenSet(tokens.access_token, tokens.refresh_token,
                                                time.time() + 30))
        return await asyncio.gather(*(
            platforms[i % instances].gateway.read(
                user_id, Purpose.ANSWER_ACCOUNT_QUESTIONS, _CLASSES[i % len(_CLASSES)],
                "what is going on in my account?")
            for i in range(CONCURRENT_READS)))
    finally:
        for platform in platforms:
            await platform.close()


def _refresh_tokens_at_bank(stack: Stack, consent_id: str) -> tuple[int, int]:
    """(issued, still live) refresh tokens the bank holds for the consent."""
    bank = stack.banks["northbank"]
    path = bank.settings.resolved_database_url.split("///", 1)[1]
    with sqlite3.connect(path) as db:
        issued, live = db.execute(
            "SELECT COUNT(*), COUNT(*) - COUNT(revoked_at) FROM oauth_tokens "
            "WHERE consent_id = ? AND kind = 'refresh'", (consent_id,)).fetchone()
    return int(issued), int(live)


def assert_refreshed_once(stack: Stack, user: PlatformUser, link: dict[str, Any],
                           results: list[Any]) -> None:
    assert all(r.answers and not r.failures for r in results), [r.failures for r in results]
    entries = user.http.get("/api/v1/privacy/access-log").json()["entries"]
    assert [e["action"] for e in entries].count("token_refreshed") == 1
    assert [e["code"] for e in entries if e["action"] == "link_revoked"] == []
    assert _refresh_tokens_at_bank(stack, link["consent_id"]) == (2, 1)  # linked + one rotation
    assert [lnk["status"] for lnk in user.links()] == ["active"]


def reads_near_expiry_refresh_once(stack: Stack, new_user: NewUser, instances: int) -> None:
    """Link a bank, read concurrently near expiry from `instances` platforms, check the result."""
    user = new_user()
    link = link_bank(stack, user)
    results = asyncio.run(concurrent_reads(stack.settings, user.user["id"], link["id"],
                                           instances))
    assert_refreshed_once(stack, user, link, results)


def test_concurrent_reads_near_expiry_refresh_the_token_once_and_keep_the_link(
        stack: Stack, new_user: NewUser) -> None:
    reads_near_expiry_refresh_once(stack, new_user, instances=1)
