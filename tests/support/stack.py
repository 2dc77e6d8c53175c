"""The whole product on loopback: real sandbox banks and a platform configured to use them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from chatbank.bootstrap import PLATFORM_SIGNING_KEY_FILE
from chatbank.config import Settings
from chatbank.connect.signing import RequestSigner
from chatbank.web.app import create_app
from tests.conftest import platform_settings
from tests.contract.banks import RunningBank, running_bank
from tests.support.servers import ServerThread


@dataclass
class Stack:
    platform_url: str
    settings: Settings
    banks: dict[str, RunningBank]
    platform_server: ServerThread


def register_platform_at(bank: RunningBank, callback_url: str,
                         payment_callback_url: str | None = None,
                         jwks: list[dict[str, str]] | None = None) -> dict[str, str]:
    """Register the platform as a third party through the bank's sandbox endpoint (real HTTP).

    With `jwks` (the platform's signing key) and the payments callback, the platform can pay.
    """
    redirects = [callback_url] + ([payment_callback_url] if payment_callback_url else [])
    response = httpx.post(f"{bank.url}/sandbox/clients", json={
        "client_name": "chatbank", "redirect_uris": redirects,
        "jwks": {"keys": jwks or []}}, timeout=20)
    response.raise_for_status()
    body = response.json()
    return {"id": bank.settings.slug, "name": bank.settings.name,
            "brand_colour": bank.settings.brand_colour, "base_url": bank.url,
            "client_id": body["client_id"], "client_secret": body["client_secret"]}


@contextmanager
def running_stack(data_dir: Path, bank_names: tuple[str, ...] = ("Northbank",),
                  **platform_overrides: object) -> Iterator[Stack]:
    with ExitStack() as stack:
        banks = {}
        for index, name in enumerate(bank_names):
            (data_dir / name.lower()).mkdir(parents=True, exist_ok=True)
            bank = stack.enter_context(running_bank(data_dir / name.lower(), name=name,
                                                    sort_code_prefix=str(20 + index * 10)))
            banks[bank.settings.slug] = bank
        (data_dir / "platform").mkdir(parents=True, exist_ok=True)
        probe = platform_settings(data_dir / "platform", **platform_overrides)
        callback = f"{probe.public_url}/connect/callback"
        signer = RequestSigner.load_or_create(probe.data_dir / PLATFORM_SIGNING_KEY_FILE)
        entries = [register_platform_at(bank, callback, f"{probe.public_url}/payments/callback",
                                        [signer.jwk]) for bank in banks.values()]
        settings = probe.model_copy(update={"banks": json.dumps(entries)})
        server = ServerThread(create_app(settings), port=int(probe.public_url.rsplit(":", 1)[1]))
        server.start()
        stack.callback(server.stop)
        yield Stack(server.url, settings, banks, server)
