"""OAuth 2.0 endpoints: discovery, PAR, authorize, token, revoke, JWKS, sandbox client admin."""

from __future__ import annotations

import base64
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from chatbank.bank.auth.clients import AUTH_METHODS, Client, ClientCredentials
from chatbank.bank.auth.request_object import authorisation_parameters
from chatbank.bank.auth.server import main_scope
from chatbank.bank.openbanking.consents import ACCOUNT_ACCESS, PAYMENT_KINDS
from chatbank.bank.openbanking.runtime import Runtime
from chatbank.bank.web.common import flow_cookie, message_page
from chatbank.core.errors import ChatbankError, Forbidden, InvalidInput

router = APIRouter()
KINDS_BY_SCOPE = {"accounts": (ACCOUNT_ACCESS,), "payments": PAYMENT_KINDS}
OptionalForm = Annotated[str | None, Form()]


def oauth_error(error: ChatbankError) -> JSONResponse:
    """RFC 6749 §5.2 error body; invalid_client is 401, the rest 400."""
    status = 401 if error.code in ("invalid_client", "invalid_token") else 400
    if error.code == "rate_limited":
        status = 429
    code = error.code if error.code.startswith("invalid_") or error.code in (
        "unsupported_grant_type", "rate_limited") else "invalid_request"
    return JSONResponse({"error": code, "error_description": error.message}, status,
                        headers={"Cache-Control": "no-store"})


def presented_credentials(request: Request, client_id: str | None, client_secret: str | None,
                          assertion_type: str | None, assertion: str | None) -> ClientCredentials:
    """Client credentials from HTTP Basic or the form (secret or private_key_jwt)."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
            basic_id, _, basic_secret = decoded.partition(":")
            return ClientCredentials(unquote(basic_id), unquote(basic_secret))
        except ValueError:
            return ClientCredentials()
    return ClientCredentials(client_id, client_secret, assertion_type, assertion)


@router.get("/.well-known/openid-configuration")
async def discovery(bank: Runtime) -> dict[str, Any]:
    """OpenID provider metadata, so clients find every endpoint from the issuer URL."""
    base = bank.settings.base_url
    return {
        "issuer": base, "authorization_endpoint": f"{base}/as/authorize",
        "token_endpoint": f"{base}/as/token", "revocation_endpoint": f"{base}/as/revoke",
        "pushed_authorization_request_endpoint": f"{base}/as/par",
        "require_pushed_authorization_requests": True, "jwks_uri": f"{base}/.well-known/jwks.json",
        "registration_endpoint": f"{base}/sandbox/clients" if bank.settings.sandbox else None,
        "scopes_supported": ["openid", "accounts", "payments"],
        "response_types_supported": ["code"], "code_challenge_methods_supported": ["S256"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
        "token_endpoint_auth_signing_alg_values_supported": ["PS256"],
        "request_object_signing_alg_values_supported": ["PS256"],
        "authorization_response_iss_parameter_supported": True,
        "openbanking": {"aisp": f"{base}/open-banking/v3.1/aisp",
                        "pisp": f"{base}/open-banking/v3.1/pisp",
                        "card_controls": f"{base}/extensions/card-controls/v1"},
    }


@router.get("/.well-known/jwks.json")
async def jwks(bank: Runtime) -> dict[str, Any]:
    """The bank's public signing keys (for `x-jws-signature` on responses)."""
    return {"keys": [bank.signing_key.jwk]}


@router.post("/as/par", status_code=201, response_model=None)
async def pushed_authorisation_request(
    request: Request, bank: Runtime,
) -> JSONResponse | dict[str, Any]:
    """RFC 9126: the client pushes its request (consent id, PKCE, redirect) and gets a URI.

    Parameters come as form fields or as a signed `request` object (see `request_object`).
    """
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    try:
        client = await bank.clients.authenticate(presented_credentials(
            request, form.get("client_id"), form.get("client_secret"),
            form.get("client_assertion_type"), form.get("client_assertion")))
        asked = authorisation_parameters(form, client, bank.settings.base_url)
        await _check_intent(bank, client, asked.consent_id, asked.scope)
        pushed = await bank.server.push(client, asked.redirect_uri, asked.scope,
                                        asked.consent_id, asked.code_challenge,
                                        asked.code_challenge_method, asked.state, asked.nonce)
    except ChatbankError as error:
        return oauth_error(error)
    return {"request_uri": pushed.request_uri, "expires_in": bank.settings.par_ttl_s}


async def _check_intent(bank: Runtime, client: Client, consent_id: str, scope: str) -> None:
    kinds = KINDS_BY_SCOPE[main_scope(scope)]
    consent = await bank.consents.find(consent_id)
    if consent is None or consent.client_id != client.client_id or consent.kind not in kinds:
        raise InvalidInput("invalid_request", "openbanking_intent_id is not your consent.")
    if consent.status != "AwaitingAuthorisation":
        raise InvalidInput("invalid_request", "The consent is not awaiting authorisation.")


@router.get("/as/authorize", response_model=None)
async def authorize(request: Request, bank: Runtime, client_id: str = "",
                    request_uri: str = "") -> Response:
    """Start the customer's journey: check the pushed request, then sign in at the bank."""
    try:
        pushed = await bank.server.open_pushed(client_id, request_uri)
    except ChatbankError as error:
        return message_page(bank, "This link cannot be used", error.message, 400)
    response = RedirectResponse("/login", status_code=303)
    response.set_cookie(flow_cookie(bank), pushed.request_uri, httponly=True, samesite="lax",
                        max_age=bank.settings.par_ttl_s + bank.settings.session_ttl_s, path="/")
    return response


@router.post("/as/token", response_model=None)
async def token(
    request: Request, bank: Runtime, grant_type: Annotated[str, Form()],
    code: OptionalForm = None, redirect_uri: OptionalForm = None,
    code_verifier: OptionalForm = None, refresh_token: OptionalForm = None,
    scope: OptionalForm = None, client_id: OptionalForm = None, client_secret: OptionalForm = None,
    client_assertion_type: OptionalForm = None, client_assertion: OptionalForm = None,
) -> JSONResponse:
    """authorization_code (PKCE S256), refresh_token (rotating) and client_credentials."""
    try:
        client = await bank.clients.authenticate(presented_credentials(
            request, client_id, client_secret, client_assertion_type, client_assertion))
        if grant_type == "authorization_code":
            issued = await bank.server.exchange_code(client, code or "", redirect_uri or "",
                                                     code_verifier or "")
        elif grant_type == "refresh_token":
            issued = await bank.server.refresh(client, refresh_token or "")
        elif grant_type == "client_credentials":
            issued = await bank.server.client_credentials(client, scope or "accounts")
        else:
            raise InvalidInput("unsupported_grant_type", f"grant_type {grant_type!r}.")
    except ChatbankError as error:
        return oauth_error(error)
    return JSONResponse(issued.as_json(), headers={"Cache-Control": "no-store"})


@router.post("/as/revoke", response_model=None)
async def revoke(
    request: Request, bank: Runtime, token: Annotated[str, Form()],
    client_id: OptionalForm = None, client_secret: OptionalForm = None,
    client_assertion_type: OptionalForm = None, client_assertion: OptionalForm = None,
) -> Response:
    """RFC 7009 revocation; answers 200 whether or not the token existed."""
    try:
        client = await bank.clients.authenticate(presented_credentials(
            request, client_id, client_secret, client_assertion_type, client_assertion))
    except ChatbankError as error:
        return oauth_error(error)
    await bank.server.revoke(client, token)
    return Response(status_code=200)


class ClientRegistration(BaseModel):
    """RFC 7591-style registration body (sandbox only)."""

    client_name: str = Field(min_length=1, max_length=200)
    redirect_uris: list[str] = Field(min_length=1, max_length=10)
    token_endpoint_auth_method: str = "client_secret_basic"  # noqa: S105 - a method name
    jwks: dict[str, list[dict[str, Any]]] | None = None


@router.post("/sandbox/clients", status_code=201)
async def register_client(registration: ClientRegistration, bank: Runtime) -> dict[str, Any]:
    """Register a third party (sandbox mode only); the secret is shown once."""
    if not bank.settings.sandbox:
        raise Forbidden("sandbox_only", "Client registration here is for the sandbox only.")
    client, secret = await bank.clients.register(
        registration.client_name, registration.redirect_uris,
        registration.token_endpoint_auth_method, (registration.jwks or {}).get("keys", []))
    body: dict[str, Any] = {"client_id": client.client_id, "client_name": client.client_name,
                            "redirect_uris": client.redirect_uris,
                            "token_endpoint_auth_method": client.auth_method}
    if secret:
        body["client_secret"] = secret
    return body
