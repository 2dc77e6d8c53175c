"""A third party paying through one bank's OB PISP API, retrying through crashes.

Retries reuse the idempotency key, so a retry is the same request; every answer is recorded.
Consents are authorised with the sandbox's headless machinery (as `chatbank bank grant` does
for account access), straight on the bank's database: no browser, same consent and tokens.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx

from chatbank.bank.app import build_runtime, load_signing_key
from chatbank.bank.books import Account
from chatbank.bank.books.sql_customers import SqlCustomers
from chatbank.bank.openbanking.jws import SigningKey
from chatbank.bank.openbanking.runtime import BankRuntime
from chatbank.bank.settings import BankSettings
from chatbank.chaos.ledger_model import Answer
from chatbank.chaos.retrying import Retrying

PISP = "/open-banking/v3.1/pisp"


class ObClient:
    """One registered client of one bank."""

    def __init__(self, bank_id: str, settings: BankSettings, retrying: Retrying) -> None:
        self.bank_id = bank_id
        self.settings = settings
        self.retrying = retrying
        self.key = SigningKey.generate()
        self.http = httpx.AsyncClient(base_url=settings.base_url, timeout=30.0)
        self.client_id = ""
        self.secret = ""
        self._client_token: str | None = None
        self._runtime: BankRuntime | None = None

    async def register(self) -> None:
        response = await self.retrying.run(lambda: self.http.post("/sandbox/clients", json={
            "client_name": "chatbank chaos", "redirect_uris": ["http://127.0.0.1:9/callback"],
            "token_endpoint_auth_method": "client_secret_basic",
            "jwks": {"keys": [self.key.jwk]}}), "register")
        response.raise_for_status()
        self.client_id = response.json()["client_id"]
        self.secret = response.json()["client_secret"]
        self._runtime = build_runtime(self.settings, load_signing_key(self.settings))

    @property
    def runtime(self) -> BankRuntime:
        assert self._runtime is not None, "register() first"
        return self._runtime

    async def accounts_of(self, login: str) -> list[Account]:
        """The customer's accounts, read from the bank's database (the harness is the bank's
        back office here: it needs the customers' ids to authorise their consents)."""
        async with self.runtime.engine.connect() as conn:
            found = await SqlCustomers(conn).secrets_by_login(login)
        if found is None:
            raise RuntimeError(f"{self.bank_id} has no customer {login!r}")
        return await self.runtime.books.list_accounts(found.customer.id)

    async def close(self) -> None:
        await self.http.aclose()
        if self._runtime is not None:
            await self._runtime.engine.dispose()

    async def _token(self) -> str:
        if self._client_token is None:
            response = await self.retrying.run(lambda: self.http.post(
                "/as/token", data={"grant_type": "client_credentials", "scope": "payments"},
                auth=(self.client_id, self.secret)), "client token")
            response.raise_for_status()
            self._client_token = str(response.json()["access_token"])
        return self._client_token

    async def _signed_post(self, path: str, body: dict[str, Any], token: str,
                           key: str) -> httpx.Response:
        raw = json.dumps(body).encode()
        return await self.http.post(path, content=raw, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "x-idempotency-key": key,
            "x-jws-signature": self.key.sign_detached(raw, self.client_id, "openbanking.org.uk")})

    async def create_consent(self, initiation: dict[str, Any], key: str) -> str:
        body = {"Data": {"Initiation": initiation}, "Risk": {}}
        token = await self._token()
        response = await self.retrying.run(lambda: self._signed_post(
            f"{PISP}/domestic-payment-consents", body, token, key), "consent")
        if response.status_code != 201:
            raise RuntimeError(f"consent refused: {response.status_code} {response.text}")
        return str(response.json()["Data"]["ConsentId"])

    async def authorise(self, consent_id: str, customer_id: str, account_id: str) -> str:
        """The customer's approval at the bank, headless; returns the payment access token."""
        runtime = self.runtime

        async def approve() -> str:
            consent = await runtime.consents.get_for_client(consent_id, self.client_id,
                                                            "domestic-payment")
            if consent.status == "AwaitingAuthorisation":
                await runtime.consents.authorise(consent_id, customer_id, [account_id])
            issued = await runtime.server.issue_for_consent(self.client_id, "payments",
                                                            consent_id, customer_id)
            return issued.access_token

        return str(await self.retrying.run(approve, "authorise"))

    async def pay(self, consent_id: str, initiation: dict[str, Any], token: str,
                  key: str) -> Answer:
        """`POST /domestic-payments` once (retried until the bank answers at all)."""
        body = {"Data": {"ConsentId": consent_id, "Initiation": initiation}, "Risk": {}}
        response = await self.retrying.run(lambda: self._signed_post(
            f"{PISP}/domestic-payments", body, token, key), "payment")
        return answer_of(response)

    async def final_status(self, payment_id: str) -> str:
        token = await self._token()
        response = await self.retrying.run(lambda: self.http.get(
            f"{PISP}/domestic-payments/{payment_id}",
            headers={"Authorization": f"Bearer {token}"}), "payment status")
        return str(response.json()["Data"]["Status"]) if response.status_code == 200 else \
            f"http {response.status_code}"


def answer_of(response: httpx.Response) -> Answer:
    """What the client learnt from one answer; the digest compares replays byte for byte."""
    digest = hashlib.sha256(response.content).hexdigest()[:16]
    try:
        body = response.json()
    except ValueError:
        return Answer(response.status_code, body_digest=digest)
    if response.status_code == 201:
        data = body["Data"]
        return Answer(201, data["DomesticPaymentId"], data["Status"], body_digest=digest)
    errors = body.get("Errors") or [{}]
    return Answer(response.status_code, error_code=body.get("Code") or errors[0].get("ErrorCode"),
                  body_digest=digest)

