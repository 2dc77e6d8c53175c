"""HTTP client for banks' OAuth servers and UK Open Banking APIs (the only code that calls banks).

Reads are retried with backoff; writes only when they carry an idempotency key. Every call has
a timeout and an `x-fapi-interaction-id`. Tokens never reach the logs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from chatbank.connect.directory import BankEntry
from chatbank.connect.errors import BankAccessRevoked, BankRejected, BankUnavailable

log = logging.getLogger("chatbank.connect")
RETRY_DELAYS_S = (0.2, 0.6)
TIMEOUT = httpx.Timeout(5.0, connect=2.0)


@dataclass(frozen=True, slots=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: float  # epoch seconds

    @classmethod
    def from_response(cls, body: dict[str, Any]) -> TokenSet:
        return cls(body["access_token"], body.get("refresh_token"),
                   time.time() + float(body.get("expires_in", 300)))


class OpenBankingClient:
    """One shared connection pool for every bank."""

    def __init__(self, http: httpx.AsyncClient | None = None) -> None:
        self.http = http or httpx.AsyncClient(timeout=TIMEOUT)
        self._metadata: dict[str, dict[str, Any]] = {}
        self._client_tokens: dict[tuple[str, str], TokenSet] = {}

    async def close(self) -> None:
        await self.http.aclose()

    async def _send(self, bank: BankEntry, method: str, url: str, *, retry: bool,
                    **kwargs: Any) -> httpx.Response:
        headers = {"x-fapi-interaction-id": str(uuid.uuid4()), **kwargs.pop("headers", {})}
        attempts = len(RETRY_DELAYS_S) + 1 if retry else 1
        for attempt in range(attempts):
            try:
                response = await self.http.request(method, url, headers=headers, **kwargs)
            except httpx.HTTPError as error:
                log.warning("event=bank_call_failed bank=%s method=%s error=%s attempt=%d",
                            bank.id, method, type(error).__name__, attempt + 1)
                if attempt + 1 == attempts:
                    raise BankUnavailable(bank.name, type(error).__name__) from None
            else:
                if response.status_code < 500 or attempt + 1 == attempts:
                    break
            await asyncio.sleep(RETRY_DELAYS_S[attempt])
        if response.status_code >= 500:
            raise BankUnavailable(bank.name, f"HTTP {response.status_code}")
        return response

    async def metadata(self, bank: BankEntry) -> dict[str, Any]:
        """The bank's OpenID provider metadata (cached)."""
        if bank.id not in self._metadata:
            response = await self._send(bank, "GET", bank.discovery_url, retry=True)
            self._metadata[bank.id] = _json_or_reject(bank, response)
        return self._metadata[bank.id]

    def _client_auth(self, bank: BankEntry) -> httpx.BasicAuth:
        return httpx.BasicAuth(bank.client_id, bank.client_secret)

    async def _token_request(self, bank: BankEntry, form: dict[str, str]) -> TokenSet:
        meta = await self.metadata(bank)
        response = await self._send(bank, "POST", meta["token_endpoint"], retry=False,
                                    data=form, auth=self._client_auth(bank))
        if response.status_code in (400, 401):
            body = _safe_json(response)
            if body.get("error") == "invalid_grant":
                raise BankAccessRevoked(bank.name, "invalid_grant")
            raise BankRejected(bank.name, str(body.get("error", "")),
                               str(body.get("error_description", "token request refused")))
        return TokenSet.from_response(_json_or_reject(bank, response))

    async def client_token(self, bank: BankEntry, scope: str) -> str:
        """A client-credentials token for creating consents (cached until near expiry)."""
        cached = self._client_tokens.get((bank.id, scope))
        if cached is None or cached.expires_at - time.time() < 30:
            cached = await self._token_request(bank, {"grant_type": "client_credentials",
                                                      "scope": scope})
            self._client_tokens[(bank.id, scope)] = cached
        return cached.access_token

    async def push_authorisation(self, bank: BankEntry, consent_id: str, scope: str,
                                 redirect_uri: str, state: str, nonce: str,
                                 code_challenge: str) -> str:
        """PAR (RFC 9126); returns the URL to send the customer's browser to."""
        meta = await self.metadata(bank)
        response = await self._send(bank, "POST", meta["pushed_authorization_request_endpoint"],
                                    retry=False, auth=self._client_auth(bank), data={
                                        "response_type": "code", "client_id": bank.client_id,
                                        "redirect_uri": redirect_uri, "scope": scope,
                                        "state": state, "nonce": nonce,
                                        "code_challenge": code_challenge,
                                        "code_challenge_method": "S256",
                                        "openbanking_intent_id": consent_id})
        request_uri = _json_or_reject(bank, response)["request_uri"]
        query = httpx.QueryParams({"client_id": bank.client_id, "request_uri": request_uri})
        return f"{meta['authorization_endpoint']}?{query}"

    async def exchange_code(self, bank: BankEntry, code: str, redirect_uri: str,
                            code_verifier: str) -> TokenSet:
        return await self._token_request(bank, {
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": code_verifier})

    async def refresh(self, bank: BankEntry, refresh_token: str) -> TokenSet:
        return await self._token_request(bank, {"grant_type": "refresh_token",
                                                "refresh_token": refresh_token})

    async def revoke_token(self, bank: BankEntry, token: str) -> None:
        meta = await self.metadata(bank)
        await self._send(bank, "POST", meta["revocation_endpoint"], retry=True,
                         data={"token": token}, auth=self._client_auth(bank))

    async def api(self, bank: BankEntry, method: str, api: str, path: str, token: str,
                  body: Any = None, params: dict[str, str] | None = None,
                  idempotency_key: str | None = None,
                  signer: Callable[[bytes], str] | None = None) -> dict[str, Any]:
        """Call `aisp`/`pisp` `path`; 401/403 become `bank_access_revoked`.

        With `signer`, the exact body bytes are sent with `x-jws-signature: signer(body)`.
        """
        meta = await self.metadata(bank)
        headers = {"Authorization": f"Bearer {token}"}
        if idempotency_key:
            headers["x-idempotency-key"] = idempotency_key
        payload: dict[str, Any] = {"json": body}
        if signer is not None:
            raw = json.dumps(body, separators=(",", ":")).encode()
            headers |= {"x-jws-signature": signer(raw), "Content-Type": "application/json"}
            payload = {"content": raw}
        response = await self._send(
            bank, method, meta["openbanking"][api] + path, headers=headers, params=params,
            retry=method in ("GET", "DELETE") or idempotency_key is not None, **payload)
        if response.status_code in (401, 403):
            raise BankAccessRevoked(bank.name, _ob_error_code(response))
        if response.status_code == 204:
            return {}
        return _json_or_reject(bank, response)


def _safe_json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _ob_error_code(response: httpx.Response) -> str:
    errors = _safe_json(response).get("Errors") or [{}]
    return str(errors[0].get("ErrorCode", "")) if isinstance(errors, list) else ""


def _json_or_reject(bank: BankEntry, response: httpx.Response) -> dict[str, Any]:
    body = _safe_json(response)
    if response.status_code >= 400:
        errors = body.get("Errors") or [{}]
        first = errors[0] if isinstance(errors, list) and errors else {}
        message = first.get("Message") or body.get("Message") or body.get(
            "error_description") or f"HTTP {response.status_code}"
        raise BankRejected(bank.name, str(first.get("ErrorCode", body.get("error", ""))),
                           str(message))
    return body
