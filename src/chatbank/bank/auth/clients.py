"""Registry of third parties (OAuth clients) and their authentication at the token endpoint."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.auth.tables import oauth_clients
from chatbank.bank.openbanking.jws import (
    SignatureError,
    b64url_decode,
    rsa_key_from_jwk,
    verify_jwt,
)
from chatbank.core.clock import utc_now
from chatbank.core.errors import InvalidInput, Unauthenticated
from chatbank.core.ids import new_id, new_secret_token

AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt")
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_used_assertion_ids: dict[str, float] = {}


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Client:
    """A registered third party."""

    client_id: str
    client_name: str
    redirect_uris: list[str]
    auth_method: str
    secret_hash: str | None
    jwks: list[dict[str, Any]]


@dataclass(frozen=True)
class ClientCredentials:
    """What a client presented at the token, PAR or revocation endpoint."""

    client_id: str | None = None
    client_secret: str | None = None
    assertion_type: str | None = None
    assertion: str | None = None


def _check_registration(redirect_uris: list[str], auth_method: str,
                        jwks: list[dict[str, Any]]) -> None:
    if auth_method not in AUTH_METHODS:
        raise InvalidInput("invalid_client_metadata",
                           f"token_endpoint_auth_method must be one of {', '.join(AUTH_METHODS)}.")
    if not redirect_uris or any(not uri.startswith(("https://", "http://127.0.0.1",
                                                    "http://localhost")) for uri in redirect_uris):
        raise InvalidInput("invalid_redirect_uri",
                           "redirect_uris must be https:// (or http on loopback in the sandbox).")
    for jwk in jwks:
        rsa_key_from_jwk(jwk)
        if not jwk.get("kid"):
            raise InvalidInput("invalid_client_metadata", "Every JWK needs a kid.")
    if auth_method == "private_key_jwt" and not jwks:
        raise InvalidInput("invalid_client_metadata", "private_key_jwt needs a jwks.")


class ClientRegistry:
    """Stores clients; checks their credentials (secret or signed assertion)."""

    def __init__(self, engine: AsyncEngine, issuer: str) -> None:
        self.engine = engine
        self.issuer = issuer

    async def register(self, client_name: str, redirect_uris: list[str],
                       auth_method: str = "client_secret_basic",
                       jwks: list[dict[str, Any]] | None = None) -> tuple[Client, str | None]:
        """Register a client; returns it and its secret (shown once) for secret methods."""
        keys = list(jwks or [])
        _check_registration(redirect_uris, auth_method, keys)
        secret = None if auth_method == "private_key_jwt" else new_secret_token()
        client = Client(new_id("cli"), client_name[:200], redirect_uris, auth_method,
                        sha256_hex(secret) if secret else None, keys)
        async with self.engine.begin() as conn:
            await conn.execute(insert(oauth_clients).values(
                client_id=client.client_id, client_name=client.client_name,
                redirect_uris=redirect_uris, auth_method=auth_method,
                secret_hash=client.secret_hash, jwks=keys, created_at=utc_now()))
        return client, secret

    async def get(self, client_id: str) -> Client | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(oauth_clients).where(
                oauth_clients.c.client_id == client_id))).mappings().first()
        if row is None:
            return None
        return Client(row["client_id"], row["client_name"], list(row["redirect_uris"]),
                      row["auth_method"], row["secret_hash"], list(row["jwks"]))

    async def authenticate(self, presented: ClientCredentials) -> Client:
        """The client proven by `presented`, or `invalid_client`."""
        if presented.assertion_type == JWT_BEARER and presented.assertion:
            return await self._by_assertion(presented.assertion)
        client = await self.get(presented.client_id or "")
        if (client is None or client.secret_hash is None or presented.client_secret is None
                or not hmac.compare_digest(client.secret_hash,
                                           sha256_hex(presented.client_secret))):
            raise Unauthenticated("invalid_client", "Client authentication failed.")
        return client

    async def _by_assertion(self, assertion: str) -> Client:
        try:
            unverified_iss = _unverified_issuer(assertion)
            client = await self.get(unverified_iss)
            if client is None or client.auth_method != "private_key_jwt":
                raise Unauthenticated("invalid_client", "Client authentication failed.")
            claims = verify_jwt(assertion, client.jwks)
        except SignatureError as error:
            raise Unauthenticated("invalid_client", error.message) from None
        _check_assertion_claims(claims, client.client_id, self.issuer)
        return client


def _unverified_issuer(assertion: str) -> str:
    try:
        claims = json.loads(b64url_decode(assertion.split(".")[1]))
        return str(claims["iss"])
    except (IndexError, KeyError, ValueError, TypeError):
        raise Unauthenticated("invalid_client", "The client assertion is malformed.") from None


def _check_assertion_claims(claims: dict[str, Any], client_id: str, issuer: str) -> None:
    now = time.time()
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    expires = claims.get("exp")
    jti = str(claims.get("jti") or "")
    if (claims.get("sub") != client_id or not any(
            isinstance(a, str) and a.startswith(issuer) for a in audiences)
            or not isinstance(expires, int | float) or expires < now or expires > now + 600
            or not jti or jti in _used_assertion_ids):
        raise Unauthenticated("invalid_client",
                              "The client assertion has wrong sub/aud/exp or a reused jti.")
    _used_assertion_ids[jti] = expires
    for seen, until in list(_used_assertion_ids.items()):
        if until < now:
            del _used_assertion_ids[seen]
