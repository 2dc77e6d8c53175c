"""What the bank and the platform's own stores say about a link (real HTTP, real database)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from chatbank.bootstrap import build_platform
from chatbank.config import Settings
from chatbank.connect.adapters.sql_links import SqlLinks
from chatbank.privacy.purposes import DataClass, Purpose
from tests.support.stack import Stack


def gateway_read(settings: Settings, user_id: str,
                 purpose: Purpose = Purpose.ANSWER_ACCOUNT_QUESTIONS,
                 data_class: DataClass = DataClass.BALANCES) -> Any:
    """Read through the data gateway of a second platform instance on the same database."""

    async def read() -> Any:
        platform = await build_platform(settings)
        try:
            return await platform.gateway.read(user_id, purpose, data_class,
                                               "how much do I have?")
        finally:
            await platform.close()

    return asyncio.run(read())


async def sealed_tokens(settings: Settings, link_id: str) -> bytes:
    """The link's tokens as stored (sealed under the user's data key)."""
    platform = await build_platform(settings)
    try:
        async with platform.engine.connect() as conn:
            sealed = await SqlLinks(conn).sealed_tokens(link_id)
        assert sealed is not None
        return sealed
    finally:
        await platform.close()


async def open_sealed(settings: Settings, user_id: str, link_id: str, sealed: bytes) -> bytes:
    """Open sealed tokens with the user's current data key (fails once it is destroyed)."""
    platform = await build_platform(settings)
    try:
        return await platform.vault.open(user_id, sealed, f"bank-tokens:{link_id}".encode())
    finally:
        await platform.close()


def consent_status_at_bank(stack: Stack, link: dict[str, Any]) -> str:
    """Ask the bank itself, as the platform's registered client (real HTTP)."""
    entry = json.loads(stack.settings.banks or "[]")[0]
    auth = (entry["client_id"], entry["client_secret"])
    with httpx.Client(base_url=entry["base_url"], timeout=20) as bank:
        token = bank.post("/as/token", data={"grant_type": "client_credentials",
                                             "scope": "accounts"}, auth=auth).json()
        consent = bank.get(f"/open-banking/v3.1/aisp/account-access-consents/"
                           f"{link['consent_id']}",
                           headers={"Authorization": f"Bearer {token['access_token']}"})
    return str(consent.json()["Data"]["Status"])
