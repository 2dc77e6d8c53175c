"""Users of the benchmark stack, and their bank journeys without a browser.

A platform user is a cookie session (plus its CSRF token and bearer token), like the web client.
"Headless authorisation": at the bank the customer's browser is replaced by form posts to the
bank's own pages (`chatbank.bank.auth.headless_customer`, the journey the tests use too), and
the redirect back is followed to the platform's callback. The bank sees exactly what a browser
would send; nothing at the bank is bypassed. A platform call that does not answer as the web
client expects raises the same `JourneyError`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from chatbank.bank.app import build_runtime, load_signing_key
from chatbank.bank.auth.headless_customer import JourneyError as JourneyError  # re-exported
from chatbank.bank.auth.headless_customer import (
    consent_steps,
    redirect_query,
    run_journey_async,
)
from chatbank.bank.auth.sandbox_grant import grant_headlessly
from chatbank.benchmarks._stack import DemoStack
from chatbank.cli.demo_banks import DEMO_BANKS, bank_settings

PASSWORD = "benchmark-password-not-secret"  # noqa: S105 (throw-away accounts in a temp dir)
TIMEOUT_S = 120.0  # generous: the machine may be loaded
READS = ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail",
         "ReadTransactionsCredits", "ReadTransactionsDebits"]


def _expect(response: httpx.Response, status: int, what: str) -> httpx.Response:
    if response.status_code != status:
        raise JourneyError(f"{what}: HTTP {response.status_code} {response.text[:300]}")
    return response


@dataclass
class PlatformUser:
    http: httpx.AsyncClient
    csrf: str
    token: str
    user_id: str

    @classmethod
    async def sign_up(cls, platform_url: str, name: str) -> PlatformUser:
        http = httpx.AsyncClient(base_url=platform_url, timeout=TIMEOUT_S)
        response = await http.post("/api/v1/auth/signup", json={
            "handle": f"b{uuid.uuid4().hex[:12]}", "display_name": name, "password": PASSWORD})
        body = _expect(response, 201, "sign-up").json()
        return cls(http, str(body["csrf_token"]), str(body["token"]), str(body["user"]["id"]))

    async def post(self, path: str, body: Any, status: int = 200) -> Any:
        response = await self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf})
        return _expect(response, status, f"POST {path}").json()

    async def get(self, path: str, **params: Any) -> Any:
        return _expect(await self.http.get(path, params=params or None), 200, f"GET {path}").json()

    async def close(self) -> None:
        await self.http.aclose()


async def at_the_bank(authorize_url: str, login: str) -> dict[str, str]:
    """The customer's browser at the bank: sign in, SCA, approve. Returns the redirect query."""
    url = urlparse(authorize_url)
    query = parse_qs(url.query)
    async with httpx.AsyncClient(base_url=f"{url.scheme}://{url.netloc}",
                                 timeout=TIMEOUT_S) as browser:
        location = await run_journey_async(browser, consent_steps(
            query["client_id"][0], query["request_uri"][0], login))
    return redirect_query(location)


async def link_bank(user: PlatformUser, bank_id: str, login: str,
                    purposes: tuple[str, ...]) -> None:
    """Link `bank_id` as its customer `login` for `purposes`, the way the web client does."""
    started = await user.post("/api/v1/links", {"bank_id": bank_id, "purposes": list(purposes)},
                              201)
    answer = await at_the_bank(started["authorize_url"], login)
    landed = await user.http.get("/connect/callback", params=answer)
    if landed.status_code != 303 or "linked=" not in landed.headers.get("location", ""):
        raise JourneyError(f"linking {bank_id} failed: {landed.headers.get('location')}")


async def receive_into_first_account(user: PlatformUser) -> None:
    options = (await user.get("/api/v1/payments/receiving-account/options"))["options"]
    if not options:
        raise JourneyError("no account to receive payments into")
    response = await user.http.put("/api/v1/payments/receiving-account", json={
        "link_id": options[0]["link_id"], "account_id": options[0]["account_id"]},
        headers={"X-CSRF-Token": user.csrf})
    _expect(response, 200, "choose the receiving account")


async def direct_chat(a: PlatformUser, b_id: str) -> str:
    opened = await a.post("/api/v1/conversations/direct", {"user_id": b_id}, 201)
    return str(opened["conversation"]["id"])


@dataclass(frozen=True, slots=True)
class AispGrant:
    bank_url: str
    access_token: str
    account_ids: list[str]


async def aisp_grant(stack: DemoStack, bank_slug: str, login: str) -> AispGrant:
    """Tokens for the bank's own AISP API, for `login`, from the bank's sandbox grant.

    The baseline client: another third party with the same permissions, reading the same data.
    """
    bank = next(b for b in DEMO_BANKS if b.name.lower() == bank_slug)
    index = DEMO_BANKS.index(bank)
    settings = bank_settings(bank, stack.port + 1 + index, stack.data_dir)
    runtime = build_runtime(settings, load_signing_key(settings))
    try:
        grant = await grant_headlessly(runtime, login, READS, None)
    finally:
        await runtime.engine.dispose()
    return AispGrant(stack.bank_urls[bank_slug], grant.access_token, grant.account_ids)
