"""Northbank and Eastbank joined to a real interbank scheme, and a platform that knows both.

Every part is a real server on its own loopback port with its own database: the banks' relays
submit holds to the scheme over HTTP, the scheme delivers to the payee bank and settles or voids
at the payer bank, and the platform only ever talks Open Banking to the two banks.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from chatbank.bank.app import prepare_bank
from chatbank.bank.settings import BankSettings
from chatbank.bootstrap import PLATFORM_SIGNING_KEY_FILE
from chatbank.connect.signing import RequestSigner
from chatbank.scheme.settings import SchemeSettings
from chatbank.web.app import create_app
from tests.conftest import platform_settings
from tests.contract.banks import RunningBank
from tests.scheme.clearing import Clearing, Member, participants
from tests.support.linking import PlatformUser, link_bank
from tests.support.servers import ServerThread, free_port
from tests.support.stack import Stack, register_platform_at

RECEIVE = ("answer_account_questions", "make_payments_i_ask_for")
# Long enough that a loaded machine never lets a hold lapse before the scheme settles it.
HOLD_TIMEOUT_S = 300


def scheme_member(root: Path, name: str, prefix: str, scheme_port: int) -> Member:
    """A seeded sandbox bank that is a member of the scheme on `scheme_port` (started)."""
    secret = f"{name}-shared-secret-0123456789"
    settings = BankSettings(name=name, port=free_port(), data_dir=root / name.lower(),
                            scheme_url=f"http://127.0.0.1:{scheme_port}", scheme_secret=secret,
                            scheme_poll_s=0.1, outbound_hold_timeout_s=HOLD_TIMEOUT_S)
    report = asyncio.run(prepare_bank(settings, prefix))
    member = Member(RunningBank(settings.base_url, settings, report), secret)
    member.baseline = member.booked("interbank:GBP")
    member.start()
    return member


@contextmanager
def interbank_stack(root: Path) -> Iterator[tuple[Stack, Clearing]]:
    """The scheme, Northbank (sort codes 20…), Eastbank (30…) and a platform registered at both."""
    with ExitStack() as cleanup:
        scheme_port = free_port()
        north = scheme_member(root, "Northbank", "20", scheme_port)
        cleanup.callback(north.stop)
        east = scheme_member(root, "Eastbank", "30", scheme_port)
        cleanup.callback(east.stop)
        clearing = Clearing(root, north, east, SchemeSettings(
            port=scheme_port, data_dir=root / "scheme", tick_s=0.1, retry_base_s=0.1,
            retry_max_s=0.5, participants=participants((north, "20"), (east, "30"))))
        clearing.start_scheme()
        cleanup.callback(clearing.stop_scheme)
        (root / "platform").mkdir(parents=True, exist_ok=True)
        probe = platform_settings(root / "platform")
        signer = RequestSigner.load_or_create(probe.data_dir / PLATFORM_SIGNING_KEY_FILE)
        entries = [register_platform_at(member.bank, f"{probe.public_url}/connect/callback",
                                        f"{probe.public_url}/payments/callback", [signer.jwk])
                   for member in (north, east)]
        settings = probe.model_copy(update={"banks": json.dumps(entries)})
        server = ServerThread(create_app(settings), port=int(probe.public_url.rsplit(":", 1)[1]))
        server.start()
        cleanup.callback(server.stop)
        banks = {member.settings.slug: member.bank for member in (north, east)}
        yield Stack(server.url, settings, banks, server), clearing


def receive_at_eastbank(stack: Stack, user: PlatformUser) -> dict[str, str]:
    """Link Eastbank as its customer bob and make his current account the receiving one."""
    link_bank(stack, user, "eastbank", RECEIVE, "bob")
    options = user.http.get("/api/v1/payments/receiving-account/options").json()["options"]
    chosen = user.http.put("/api/v1/payments/receiving-account", json={
        "link_id": options[0]["link_id"], "account_id": options[0]["account_id"]},
        headers={"X-CSRF-Token": user.csrf})
    assert chosen.status_code == 200, chosen.text
    return dict(chosen.json()["receiving_account"])
