"""FastAPI dependencies: the platform, the authenticated caller, CSRF for cookie sessions."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from chatbank.bootstrap import Platform
from chatbank.core.errors import Forbidden, Unauthenticated
from chatbank.messenger.services.accounts import AuthContext

SESSION_COOKIE = "cb_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


PlatformDep = Annotated[Platform, Depends(get_platform)]


def bearer_token(authorization: str | None) -> str | None:
    if authorization and authorization[:7].lower() == "bearer ":
        return authorization[7:].strip() or None
    return None


async def current_auth(request: Request, platform: PlatformDep) -> AuthContext:
    """Bearer tokens need no CSRF token; cookie sessions must echo theirs on unsafe methods."""
    token = bearer_token(request.headers.get("authorization"))
    if token is not None:
        return await platform.accounts.authenticate(token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthenticated("not_authenticated", "Log in first.")
    auth = await platform.accounts.authenticate(cookie)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), auth.csrf_token.encode()):
            raise Forbidden("csrf_failed", "Missing or wrong X-CSRF-Token header; reload the page.")
    return auth


AuthDep = Annotated[AuthContext, Depends(current_auth)]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
