"""A third-party provider (TPP) as the platform would be one: registers, signs, runs OAuth.

Used by the bank's API, OAuth and contract tests. It talks to the bank only over HTTP, and
drives the bank's own sign-in, SCA and consent pages with plain form posts (no browser).
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from chatbank.bank.auth.headless_customer import (
    consent_steps,
    field_value,
    redirect_query,
    run_journey,
    sign_in_steps,
)
from chatbank.bank.auth.server import s256
from chatbank.bank.openbanking.jws import SigningKey, sign_jwt
from chatbank.bank.seed import SANDBOX_PASSWORD

AISP = "/open-banking/v3.1/aisp"
PISP = "/open-banking/v3.1/pisp"
REDIRECT_URI = "http://127.0.0.1:9/callback"
ALL_READS = ["ReadAccountsDetail", "ReadBalances", "ReadTransactionsDetail",
             "ReadTransactionsCredits", "ReadTransactionsDebits", "ReadBeneficiariesDetail",
             "ReadDirectDebits", "ReadStandingOrdersDetail", "ReadScheduledPaymentsDetail",
             "ReadParty", "ReadPartyPSU"]
__all__ = ["SANDBOX_PASSWORD", "field_value"]  # re-exported for the tests that import them


def in_months(months: int) -> str:
    return (datetime.now(UTC) + timedelta(days=30 * months)).replace(microsecond=0).isoformat()


@dataclass
class Tpp:
    """One registered client of one bank."""

    bank_url: str
    client_id: str
    client_secret: str | None
    key: SigningKey
    http: httpx.Client = field(repr=False)

    @classmethod
    def register(cls, bank_url: str, name: str = "Chatbank platform",
                 method: str = "client_secret_basic", redirect_uri: str = REDIRECT_URI) -> Tpp:
        key = SigningKey.generate()
        http = httpx.Client(base_url=bank_url, timeout=20.0)
        response = http.post("/sandbox/clients", json={
            "client_name": name, "redirect_uris": [redirect_uri],
            "token_endpoint_auth_method": method, "jwks": {"keys": [key.jwk]}})
        assert response.status_code == 201, response.text
        body = response.json()
        return cls(bank_url, body["client_id"], body.get("client_secret"), key, http)

    def close(self) -> None:
        self.http.close()

    def client_auth(self) -> tuple[dict[str, str], httpx.BasicAuth | None]:
        if self.client_secret is not None:
            return {}, httpx.BasicAuth(self.client_id, self.client_secret)
        assertion = sign_jwt(self.key, {
            "iss": self.client_id, "sub": self.client_id, "aud": f"{self.bank_url}/as/token",
            "jti": uuid.uuid4().hex, "iat": int(time.time()), "exp": int(time.time()) + 60})
        return {"client_assertion_type":
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": assertion}, None

    def token_request(self, **form: str) -> httpx.Response:
        extra, auth = self.client_auth()
        return self.http.post("/as/token", data={**form, **extra}, auth=auth)

    def client_token(self, scope: str) -> str:
        response = self.token_request(grant_type="client_credentials", scope=scope)
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def signed_post(self, path: str, body: Any, token: str,
                    idempotency_key: str | None = None) -> httpx.Response:
        raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
        return self.http.post(path, content=raw, headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/json",
            "x-idempotency-key": idempotency_key or uuid.uuid4().hex,
            "x-jws-signature": self.key.sign_detached(raw, self.client_id, "openbanking.org.uk"),
            "x-fapi-interaction-id": str(uuid.uuid4())})

    def create_account_consent(self, permissions: list[str] | None = None) -> str:
        token = self.client_token("accounts")
        response = self.http.post(f"{AISP}/account-access-consents", json={
            "Data": {"Permissions": permissions or ALL_READS, "ExpirationDateTime": in_months(6)},
            "Risk": {}}, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 201, response.text
        return str(response.json()["Data"]["ConsentId"])

    def create_payment_consent(self, initiation: dict[str, Any]) -> str:
        token = self.client_token("payments")
        response = self.signed_post(f"{PISP}/domestic-payment-consents",
                                    {"Data": {"Initiation": initiation}, "Risk": {}}, token)
        assert response.status_code == 201, response.text
        return str(response.json()["Data"]["ConsentId"])

    def push(self, consent_id: str, scope: str, verifier: str, state: str,
             redirect_uri: str = REDIRECT_URI) -> httpx.Response:
        extra, auth = self.client_auth()
        return self.http.post("/as/par", auth=auth, data={
            **extra, "response_type": "code", "redirect_uri": redirect_uri,
            "scope": f"openid {scope}", "state": state, "openbanking_intent_id": consent_id,
            "code_challenge": s256(verifier), "code_challenge_method": "S256"})

    def authorise(self, consent_id: str, scope: str = "accounts", login: str = "alice",
                  decision: str = "approve", accounts: list[str] | None = None) -> dict[str, str]:
        """Run PAR → bank pages → redirect; returns the redirect's query (code, state…)."""
        verifier = secrets.token_urlsafe(48)
        state = secrets.token_urlsafe(8)
        pushed = self.push(consent_id, scope, verifier, state)
        assert pushed.status_code == 201, pushed.text
        query = customer_journey(self.bank_url, self.client_id, pushed.json()["request_uri"],
                                 login, decision, accounts)
        assert query.get("state") == state
        return {**query, "verifier": verifier}

    def tokens_for(self, consent_id: str, scope: str = "accounts", login: str = "alice",
                   accounts: list[str] | None = None) -> dict[str, Any]:
        answer = self.authorise(consent_id, scope, login, accounts=accounts)
        response = self.token_request(grant_type="authorization_code", code=answer["code"],
                                      redirect_uri=REDIRECT_URI, code_verifier=answer["verifier"])
        assert response.status_code == 200, response.text
        return dict(response.json())


def sign_in(browser: httpx.Client, login: str, password: str = SANDBOX_PASSWORD) -> None:
    """Password, then the sandbox one-time code read off the SCA page."""
    run_journey(browser, sign_in_steps(login, password))


def customer_journey(bank_url: str, client_id: str, request_uri: str, login: str,
                     decision: str, accounts: list[str] | None,
                     redirect_uri: str = REDIRECT_URI) -> dict[str, str]:
    """The customer's browser at the bank, as form posts: sign in, SCA, answer the consent."""
    with httpx.Client(base_url=bank_url, timeout=20.0) as browser:
        location = run_journey(browser, consent_steps(client_id, request_uri, login, decision,
                                                      accounts))
    assert location.startswith(redirect_uri), location
    return redirect_query(location)
