"""Authorisation request parameters, as form fields or inside a signed request object.

OB clients usually send `request=<PS256 JWT>` whose claims carry the parameters and the consent id
at `claims.id_token.openbanking_intent_id.value` (RFC 9101 + OB profile). Plain form fields with
`openbanking_intent_id` are accepted too. With a request object, only its claims count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from chatbank.bank.auth.clients import Client
from chatbank.bank.openbanking.jws import SignatureError, verify_jwt
from chatbank.core.errors import InvalidInput

REQUIRED = ("redirect_uri", "code_challenge", "openbanking_intent_id")


@dataclass(frozen=True)
class AuthorisationParameters:
    redirect_uri: str
    scope: str
    state: str | None
    nonce: str | None
    code_challenge: str
    code_challenge_method: str
    consent_id: str


def _intent_from_claims(claims: dict[str, Any]) -> str | None:
    for member in ("id_token", "userinfo"):
        intent = ((claims.get("claims") or {}).get(member) or {}).get("openbanking_intent_id")
        if isinstance(intent, dict) and isinstance(intent.get("value"), str):
            return str(intent["value"])
    return None


def _verified_claims(request_object: str, client: Client, issuer: str) -> dict[str, str]:
    try:
        claims = verify_jwt(request_object, client.jwks)
    except SignatureError as error:
        raise InvalidInput("invalid_request_object", error.message) from None
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    expires = claims.get("exp")
    if (claims.get("iss") != client.client_id or issuer not in audiences
            or not isinstance(expires, int | float) or expires < time.time()):
        raise InvalidInput("invalid_request_object",
                           "The request object needs iss=client_id, aud=issuer and a future exp.")
    params = {k: str(v) for k, v in claims.items() if isinstance(v, str)}
    intent = _intent_from_claims(claims)
    if intent is not None:
        params["openbanking_intent_id"] = intent
    return params


def authorisation_parameters(form: dict[str, str], client: Client,
                             issuer: str) -> AuthorisationParameters:
    """The request's parameters, checked for presence; `invalid_request` when missing."""
    if form.get("request"):
        params = _verified_claims(form["request"], client, issuer)
        if params.get("client_id", client.client_id) != client.client_id:
            raise InvalidInput("invalid_request_object", "client_id differs from the caller.")
    else:
        params = form
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        raise InvalidInput("invalid_request", f"Missing {', '.join(missing)}.")
    if params.get("response_type", "code") != "code":
        raise InvalidInput("unsupported_response_type", "Only response_type=code.")
    return AuthorisationParameters(
        params["redirect_uri"], params.get("scope") or "openid accounts", params.get("state"),
        params.get("nonce"), params["code_challenge"],
        params.get("code_challenge_method") or "", params["openbanking_intent_id"])
