"""Authorisation server use cases: pushed requests, codes with PKCE S256, tokens, revocation.

Codes and tokens are random and stored only as SHA-256 hashes. Every code and user token is bound
to exactly one consent; a replayed code revokes what it produced (RFC 6749 §4.1.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.bank.auth.clients import Client, sha256_hex
from chatbank.bank.auth.tables import authorisation_codes, pushed_requests, tokens
from chatbank.bank.db import writer_engine
from chatbank.bank.settings import BankSettings
from chatbank.core.clock import as_utc, utc_now
from chatbank.core.errors import InvalidInput, Unauthenticated
from chatbank.core.ids import new_secret_token

REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:"
SCOPES = ("accounts", "payments")
VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")


@dataclass(frozen=True)
class PushedRequest:
    """An authorisation request the client pushed before sending the browser."""

    request_uri: str
    client_id: str
    consent_id: str
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str


@dataclass(frozen=True)
class TokenGrant:
    """What a valid access token lets its holder do."""

    client_id: str
    scope: str
    consent_id: str | None
    customer_id: str | None


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    expires_in: int
    scope: str
    refresh_token: str | None = None

    def as_json(self) -> dict[str, object]:
        body: dict[str, object] = {"access_token": self.access_token, "token_type": "Bearer",
                                   "expires_in": self.expires_in, "scope": self.scope}
        if self.refresh_token:
            body["refresh_token"] = self.refresh_token
        return body


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of `verifier`."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
        b"=").decode()


def main_scope(scope: str) -> str:
    """`accounts` or `payments` out of a space-separated scope such as ``openid accounts``."""
    wanted = [s for s in scope.split() if s in SCOPES]
    if len(wanted) != 1:
        raise InvalidInput("invalid_scope", "scope must contain exactly one of accounts, payments.")
    return wanted[0]


def _code_problem(row: Any, client_id: str, redirect_uri: str, verifier: str,
                  now: datetime) -> str | None:
    """Why this code cannot be exchanged, or None."""
    if row is None or row["client_id"] != client_id:
        return "The code is unknown."
    if row["used_at"] is not None:
        return "The code was already used."
    if as_utc(row["expires_at"]) < now:
        return "The code has expired."
    if row["redirect_uri"] != redirect_uri:
        return "redirect_uri does not match."
    if not VERIFIER.match(verifier) or not hmac.compare_digest(s256(verifier),
                                                               row["code_challenge"]):
        return "code_verifier does not match."
    return None


class AuthorisationServer:
    """PAR, authorisation codes, token issuance and revocation."""

    def __init__(self, engine: AsyncEngine, settings: BankSettings,
                 consent_is_live: Callable[[str], Awaitable[bool]]) -> None:
        self.engine = engine
        # Every transaction here reads a row and then writes it (codes, token rotation): on
        # SQLite it must hold the write lock from BEGIN, or a concurrent writer makes the
        # upgrade fail with "database is locked".
        self._writes = writer_engine(engine)
        self.settings = settings
        self.consent_is_live = consent_is_live

    async def push(self, client: Client, redirect_uri: str, scope: str, consent_id: str,
                   code_challenge: str, method: str, state: str | None,
                   nonce: str | None) -> PushedRequest:
        """Store a pushed authorisation request (RFC 9126) for `par_ttl_s` seconds."""
        if redirect_uri not in client.redirect_uris:
            raise InvalidInput("invalid_redirect_uri", "redirect_uri is not registered.")
        if method != "S256" or not re.fullmatch(r"[A-Za-z0-9\-_]{43}", code_challenge):
            raise InvalidInput("invalid_request",
                               "PKCE with code_challenge_method=S256 is required.")
        pushed = PushedRequest(REQUEST_URI_PREFIX + new_secret_token(), client.client_id,
                               consent_id, redirect_uri, main_scope(scope), state, nonce,
                               code_challenge)
        async with self._writes.begin() as conn:
            await conn.execute(insert(pushed_requests).values(
                **pushed.__dict__, used=False,
                expires_at=utc_now() + timedelta(seconds=self.settings.par_ttl_s)))
        return pushed

    async def open_pushed(self, client_id: str | None, request_uri: str) -> PushedRequest:
        """The live pushed request (of this client, if given), or `invalid_request_uri`."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(pushed_requests).where(
                pushed_requests.c.request_uri == request_uri))).mappings().first()
        if (row is None or client_id not in (None, row["client_id"]) or row["used"]
                or as_utc(row["expires_at"]) < utc_now()):
            raise InvalidInput("invalid_request_uri",
                               "This sign-in link has expired; go back and start again.")
        fields = {k: row[k] for k in PushedRequest.__dataclass_fields__}
        return PushedRequest(**fields)

    async def issue_code(self, pushed: PushedRequest, customer_id: str) -> str:
        """A single-use code (≤ 60 s) for the consent the customer just authorised."""
        code = new_secret_token()
        async with self._writes.begin() as conn:
            result = await conn.execute(update(pushed_requests).where(
                pushed_requests.c.request_uri == pushed.request_uri,
                pushed_requests.c.used.is_(False)).values(used=True))
            if result.rowcount != 1:
                raise InvalidInput("invalid_request_uri", "This request was already answered.")
            await conn.execute(insert(authorisation_codes).values(
                code_hash=sha256_hex(code), client_id=pushed.client_id,
                consent_id=pushed.consent_id, customer_id=customer_id,
                redirect_uri=pushed.redirect_uri, scope=pushed.scope,
                code_challenge=pushed.code_challenge, used_at=None,
                expires_at=utc_now() + timedelta(seconds=self.settings.code_ttl_s)))
        return code

    async def close_pushed(self, request_uri: str) -> None:
        """Mark a pushed request answered (the customer refused)."""
        async with self._writes.begin() as conn:
            await conn.execute(update(pushed_requests).where(
                pushed_requests.c.request_uri == request_uri).values(used=True))

    async def exchange_code(self, client: Client, code: str, redirect_uri: str,
                            verifier: str) -> IssuedTokens:
        """Trade a code for tokens; PKCE S256 must match; a second use revokes the first.

        Any attempt burns the code, so a wrong verifier cannot be retried.
        """
        code_hash = sha256_hex(code)
        now = utc_now()
        async with self._writes.begin() as conn:
            row = (await conn.execute(select(authorisation_codes).where(
                authorisation_codes.c.code_hash == code_hash))).mappings().first()
            problem = _code_problem(row, client.client_id, redirect_uri, verifier, now)
            if row is not None and row["client_id"] == client.client_id:
                if row["used_at"] is not None:
                    await conn.execute(update(tokens).where(tokens.c.code_hash == code_hash)
                                       .values(revoked_at=now))
                await conn.execute(update(authorisation_codes).where(
                    authorisation_codes.c.code_hash == code_hash).values(used_at=now))
            if problem is None and row is not None:
                return await self._issue_pair(conn, client.client_id, row["scope"],
                                              row["consent_id"], row["customer_id"], code_hash)
        raise InvalidInput("invalid_grant", problem or "The code is unknown.")

    async def _issue_pair(self, conn: AsyncConnection, client_id: str, scope: str, consent_id: str,
                          customer_id: str, code_hash: str | None) -> IssuedTokens:
        access, refresh = new_secret_token(), new_secret_token()
        now = utc_now()
        common = {"client_id": client_id, "scope": scope, "consent_id": consent_id,
                  "customer_id": customer_id, "code_hash": code_hash, "created_at": now,
                  "revoked_at": None}
        await conn.execute(insert(tokens), [
            {**common, "token_hash": sha256_hex(access), "kind": "access",
             "expires_at": now + timedelta(seconds=self.settings.access_token_ttl_s)},
            {**common, "token_hash": sha256_hex(refresh), "kind": "refresh",
             "expires_at": now + timedelta(seconds=self.settings.refresh_token_ttl_s)}])
        return IssuedTokens(access, self.settings.access_token_ttl_s, scope, refresh)

    async def issue_for_consent(self, client_id: str, scope: str, consent_id: str,
                                customer_id: str) -> IssuedTokens:
        """Tokens for an already authorised consent (the sandbox's headless grant)."""
        async with self._writes.begin() as conn:
            return await self._issue_pair(conn, client_id, scope, consent_id, customer_id, None)

    async def refresh(self, client: Client, refresh_token: str) -> IssuedTokens:
        """Rotate a refresh token: the old one stops working, a new pair is issued.

        A rotated refresh token presented again has leaked (RFC 9700 4.14.2): the bank cannot
        tell the thief from the client, so every token of that consent for the client dies.
        """
        async with self._writes.begin() as conn:
            row = await self._live(conn, refresh_token, "refresh")
            if (row is not None and row["client_id"] == client.client_id
                    and await self.consent_is_live(str(row["consent_id"]))):
                await conn.execute(update(tokens).where(
                    tokens.c.token_hash == row["token_hash"]).values(revoked_at=utc_now()))
                return await self._issue_pair(conn, client.client_id, row["scope"],
                                              row["consent_id"], row["customer_id"],
                                              row["code_hash"])
            if row is None:
                await self._revoke_family_of_replayed(conn, refresh_token, client.client_id)
        raise InvalidInput("invalid_grant", "The refresh token is not valid.")

    async def _revoke_family_of_replayed(self, conn: AsyncConnection, refresh_token: str,
                                         client_id: str) -> None:
        used = (await conn.execute(select(tokens).where(
            tokens.c.token_hash == sha256_hex(refresh_token), tokens.c.kind == "refresh",
            tokens.c.client_id == client_id, tokens.c.revoked_at.is_not(None))
        )).mappings().first()
        if used is not None and used["consent_id"] is not None:
            await conn.execute(update(tokens).where(
                tokens.c.client_id == client_id, tokens.c.consent_id == used["consent_id"],
                tokens.c.revoked_at.is_(None)).values(revoked_at=utc_now()))

    async def client_credentials(self, client: Client, scope: str) -> IssuedTokens:
        """A client-only token for creating and reading consents."""
        access = new_secret_token()
        now = utc_now()
        chosen = main_scope(scope or "accounts")
        async with self._writes.begin() as conn:
            await conn.execute(insert(tokens).values(
                token_hash=sha256_hex(access), kind="access", client_id=client.client_id,
                scope=chosen, consent_id=None, customer_id=None, code_hash=None,
                created_at=now, revoked_at=None,
                expires_at=now + timedelta(seconds=self.settings.access_token_ttl_s)))
        return IssuedTokens(access, self.settings.access_token_ttl_s, chosen)

    async def revoke(self, client: Client, token: str) -> None:
        """RFC 7009: revoke an access or refresh token of this client (unknown ones are fine)."""
        async with self._writes.begin() as conn:
            await conn.execute(update(tokens).where(
                tokens.c.token_hash == sha256_hex(token),
                tokens.c.client_id == client.client_id).values(revoked_at=utc_now()))

    async def revoke_consent_tokens(self, consent_id: str) -> None:
        """Every token bound to `consent_id` stops working now."""
        async with self._writes.begin() as conn:
            await conn.execute(update(tokens).where(
                tokens.c.consent_id == consent_id, tokens.c.revoked_at.is_(None))
                .values(revoked_at=utc_now()))

    async def _live(self, conn: AsyncConnection, token: str, kind: str) -> dict[str, Any] | None:
        row = (await conn.execute(select(tokens).where(
            tokens.c.token_hash == sha256_hex(token), tokens.c.kind == kind))).mappings().first()
        if row is None or row["revoked_at"] is not None:
            return None
        expires: datetime = row["expires_at"]
        return dict(row) if as_utc(expires) > utc_now() else None

    async def resolve_access_token(self, token: str) -> TokenGrant:
        """What a bearer token grants; `invalid_token` when unknown, expired or revoked."""
        async with self.engine.connect() as conn:
            row = await self._live(conn, token, "access")
        if row is None:
            raise Unauthenticated("invalid_token", "The access token is not valid.")
        return TokenGrant(str(row["client_id"]), str(row["scope"]),
                          row["consent_id"] and str(row["consent_id"]),
                          row["customer_id"] and str(row["customer_id"]))
