"""Sign-in and strong customer authentication pages."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from chatbank.bank.openbanking.runtime import Runtime
from chatbank.bank.web.common import (
    current_session,
    flow_cookie,
    go,
    render,
    session_cookie,
    session_token,
    set_session,
)
from chatbank.core.errors import ChatbankError

router = APIRouter()


@router.get("/", include_in_schema=False)
async def home(request: Request, bank: Runtime) -> Response:
    """The bank's front door: the dashboard when signed in, else the sign-in page."""
    return go("/dashboard")


@router.get("/healthz", include_in_schema=False)
async def healthz(bank: Runtime) -> dict[str, str]:
    return {"status": "ok", "bank": bank.settings.name}


@router.get("/login", include_in_schema=False)
async def login_page(request: Request, bank: Runtime) -> Response:
    """Sign-in form (login and password)."""
    return render(bank, "login.html", flow=bool(request.cookies.get(flow_cookie(bank))))


@router.post("/login", include_in_schema=False)
async def login(request: Request, bank: Runtime, login: Annotated[str, Form(max_length=64)],
                password: Annotated[str, Form(max_length=200)]) -> Response:
    """Check the password, open a session and continue to SCA."""
    client_ip = request.client.host if request.client else "unknown"
    try:
        token = await bank.sessions.login(login, password, client_ip,
                                          request.cookies.get(flow_cookie(bank)))
    except ChatbankError as error:
        return render(bank, "login.html", 401 if error.code != "rate_limited" else 429,
                      error=error.message, login=login,
                      flow=bool(request.cookies.get(flow_cookie(bank))))
    response = go("/sca")
    set_session(response, bank, token)
    return response


@router.get("/sca", include_in_schema=False)
async def sca_page(request: Request, bank: Runtime) -> Response:
    """Ask for the security code; the sandbox shows a one-time code on screen."""
    session = await current_session(request, bank)
    if session is None:
        return go("/login")
    sandbox_code = await bank.sessions.start_sca(session_token(request, bank))
    return render(bank, "sca.html", csrf=session.csrf_token, sandbox_code=sandbox_code)


@router.post("/sca", include_in_schema=False)
async def sca(request: Request, bank: Runtime, code: Annotated[str, Form(max_length=12)],
              csrf: Annotated[str, Form(max_length=64)]) -> Response:
    """Check the code; go on to the consent (when a third party sent the customer) or home."""
    session = await current_session(request, bank)
    if session is None or not hmac.compare_digest(session.csrf_token, csrf):
        return go("/login")
    try:
        await bank.sessions.pass_sca(session_token(request, bank), code)
    except ChatbankError as error:
        sandbox_code = await bank.sessions.start_sca(session_token(request, bank))
        return render(bank, "sca.html", 400 if error.code != "rate_limited" else 429,
                      csrf=session.csrf_token, sandbox_code=sandbox_code, error=error.message)
    return go("/consent" if request.cookies.get(flow_cookie(bank)) else "/dashboard")


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, bank: Runtime,
                 csrf: Annotated[str, Form(max_length=64)]) -> Response:
    """End the session."""
    session = await current_session(request, bank)
    if session is not None and hmac.compare_digest(session.csrf_token, csrf):
        await bank.sessions.end(session_token(request, bank))
    response = go("/login")
    response.delete_cookie(session_cookie(bank), path="/")
    return response
