"""The demo's three sandbox banks: migrate, seed, register the platform as a third party."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI

from chatbank.bank.app import build_runtime, create_bank_app, load_signing_key
from chatbank.bank.db import create_bank_engine, upgrade_bank_database
from chatbank.bank.seed import SANDBOX_PASSWORD, seed_bank
from chatbank.bank.settings import BankSettings
from chatbank.bootstrap import PLATFORM_SIGNING_KEY_FILE
from chatbank.connect.signing import RequestSigner


@dataclass(frozen=True, slots=True)
class DemoBank:
    name: str
    colour: str
    sort_code_prefix: str
    customers: tuple[str, ...]


DEMO_BANKS = (
    DemoBank("Northbank", "#1f4e8c", "20", ("alice", "bob")),
    DemoBank("Eastbank", "#0f7b5f", "30", ("carol", "alice")),
    DemoBank("Westbank", "#8c3b1f", "40", ("dan", "carol")),
)
BANK_PASSWORD = SANDBOX_PASSWORD


def bank_settings(bank: DemoBank, port: int, data_dir: Path) -> BankSettings:
    return BankSettings(name=bank.name, port=port, data_dir=data_dir / "banks",
                        brand_colour=bank.colour, sandbox=True)


async def prepare_bank(bank: DemoBank, settings: BankSettings, callback_url: str) -> dict[str, str]:
    """Migrate and seed the bank; register the platform once; return its directory entry."""
    await asyncio.to_thread(settings.data_dir.mkdir, parents=True, exist_ok=True)
    await asyncio.to_thread(upgrade_bank_database, settings.resolved_database_url)
    engine = create_bank_engine(settings.resolved_database_url)
    try:
        await seed_bank(engine, bank.name, bank.sort_code_prefix, list(bank.customers))
    finally:
        await engine.dispose()
    credentials = await _platform_client(settings, callback_url)
    return {"id": settings.slug, "name": bank.name, "brand_colour": bank.colour,
            "base_url": settings.base_url, **credentials}


async def _platform_client(settings: BankSettings, callback_url: str) -> dict[str, str]:
    """The platform's client id/secret at this bank, registered on first start and kept."""
    path = settings.data_dir / f"{settings.slug}-platform-client.json"
    saved = await asyncio.to_thread(_read_json, path)
    # Payments: the platform signs PISP requests with this key (its public JWK is registered).
    signer = await asyncio.to_thread(RequestSigner.load_or_create,
                                     settings.data_dir.parent / PLATFORM_SIGNING_KEY_FILE)
    if (saved and saved.get("callback_url") == callback_url
            and saved.get("kid") == signer.jwk["kid"]):
        return {"client_id": saved["client_id"], "client_secret": saved["client_secret"]}
    runtime = build_runtime(settings, load_signing_key(settings))
    payments_callback = callback_url.replace("/connect/callback", "/payments/callback")
    try:
        client, secret = await runtime.clients.register(
            "chatbank", [callback_url, payments_callback], jwks=[signer.jwk])
    finally:
        await runtime.engine.dispose()
    assert secret is not None
    record = {"client_id": client.client_id, "client_secret": secret,
              "callback_url": callback_url, "kid": signer.jwk["kid"]}
    await asyncio.to_thread(path.write_text, json.dumps(record))
    await asyncio.to_thread(path.chmod, 0o600)
    return {"client_id": client.client_id, "client_secret": secret}


def _read_json(path: Path) -> dict[str, str] | None:
    return json.loads(path.read_text()) if path.exists() else None


def bank_app(settings: BankSettings) -> FastAPI:
    return create_bank_app(settings)
