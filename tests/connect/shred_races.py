"""Crypto-shreds racing other work on the user's links, forced into their worst order.

Test-only gates (the real bank call or vault call runs after the gate opens) hold one side at
the moment the race bites. When the code under test serialises the two sides, the gated side
cannot be reached meanwhile: the gate then gives up waiting after `GATE_S` and lets it go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any

import pytest

from chatbank.bootstrap import Platform, build_platform
from chatbank.config import Settings
from chatbank.connect.model import LinkStatus
from chatbank.connect.ob_client import TokenSet
from chatbank.core.errors import ChatbankError
from tests.support.api import PASSWORD
from tests.support.linking import PlatformUser, answer_at_bank, link_bank
from tests.support.stack import Stack

GATE_S = 5.0

Call = Callable[..., Awaitable[Any]]


def link_two_banks(stack: Stack, user: PlatformUser) -> tuple[str, str]:
    """(Northbank link id, Southbank link id), both active."""
    link_bank(stack, user, "northbank")
    link_bank(stack, user, "southbank")
    active = {link["bank_id"]: link["id"] for link in user.links() if link["status"] == "active"}
    return active["northbank"], active["southbank"]


async def _wait_or_give_up(awaitable: Awaitable[Any]) -> None:
    """Wait for the other side of the race, unless the code under test makes it wait for us."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(asyncio.ensure_future(awaitable)), GATE_S)


async def refresh_while_disconnecting(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                      user_id: str, kept_id: str, ended_id: str,
                                      instances: int) -> None:
    """Refresh the kept link's token (near expiry) on the last of `instances` platforms while
    the user disconnects the other link on the first; the refresh's bank call is held until the
    shred is about to destroy the data key, which waits until the refresh has finished."""
    platforms = [await build_platform(settings) for _ in range(instances)]
    try:
        shredder, reader = platforms[0], platforms[-1]
        kept = await reader.links.access_link_by_id(user_id, kept_id)
        tokens = await reader.links.tokens.load(kept)
        await reader.links.tokens.store(kept, TokenSet(tokens.access_token,
                                                       tokens.refresh_token, time.time() + 30))
        refreshing, shredding, refreshed = asyncio.Event(), asyncio.Event(), asyncio.Event()
        bank_refresh: Call = reader.ob.refresh
        destroy: Call = shredder.vault.destroy_user_key

        async def gated_refresh(*args: Any) -> Any:
            refreshing.set()
            await _wait_or_give_up(shredding.wait())
            return await bank_refresh(*args)

        async def gated_destroy(*args: Any) -> Any:
            shredding.set()
            await refreshed.wait()
            return await destroy(*args)

        async def read() -> str:
            try:
                return await reader.links.access_token(kept)
            finally:
                refreshed.set()

        monkeypatch.setattr(reader.ob, "refresh", gated_refresh)
        monkeypatch.setattr(shredder.vault, "destroy_user_key", gated_destroy)
        reading = asyncio.ensure_future(read())
        await refreshing.wait()
        await shredder.links.do_revoke_link(user_id, ended_id)
        await reading
    finally:
        monkeypatch.undo()
        for platform in platforms:
            await platform.close()


async def link_completed_while_deleting(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                        user: PlatformUser, answer: dict[str, str]
                                        ) -> list[LinkStatus]:
    """Delete the account; the bank's answer to a link started before lands just before the
    account's data key is destroyed. Returns the user's link statuses afterwards."""
    platform = await build_platform(settings)
    try:
        user_id = user.user["id"]
        completing: list[asyncio.Future[Any]] = []
        destroy: Call = platform.privacy.vault.destroy_user_key

        async def gated_destroy(*args: Any) -> Any:
            completing.append(asyncio.ensure_future(_complete(platform, user_id, answer)))
            await _wait_or_give_up(completing[0])
            return await destroy(*args)

        monkeypatch.setattr(platform.privacy, "vault",
                            SimpleNamespace(destroy_user_key=gated_destroy))
        auth = await platform.messenger.accounts.authenticate(user.token)
        await platform.privacy.do_delete_account(auth, PASSWORD)
        await completing[0]
        return [link.status for link in await platform.links.links_of(user_id)]
    finally:
        monkeypatch.undo()
        await platform.close()


async def _complete(platform: Platform, user_id: str, answer: dict[str, str]) -> None:
    """The bank's redirect landing: completes, or fails as the platform decides."""
    with contextlib.suppress(ChatbankError):
        await platform.links.do_complete_link(user_id, answer["state"], answer["code"], None)


def answered_but_not_back(stack: Stack, user: PlatformUser) -> dict[str, str]:
    """Start linking Northbank and approve at the bank; the answer is not yet at the platform."""
    return answer_at_bank(stack, user.start_link("northbank", ["answer_account_questions"]))
