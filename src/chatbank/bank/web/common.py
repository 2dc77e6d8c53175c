"""Shared pieces of the bank's pages: cookies, rendering, the signed-in customer."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chatbank.bank.auth.sessions import CustomerSession
from chatbank.bank.openbanking.runtime import BankRuntime


def session_cookie(bank: BankRuntime) -> str:
    """Per-bank cookie name: all sandbox banks live on 127.0.0.1, and cookies ignore ports."""
    return f"{bank.settings.slug}_session"


def flow_cookie(bank: BankRuntime) -> str:
    return f"{bank.settings.slug}_flow"


def render(bank: BankRuntime, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A branded page; every page gets the bank's settings as `bank`."""
    html = bank.templates.get_template(name).render(bank=bank.settings, **context)
    return HTMLResponse(html, status, headers={
        "Cache-Control": "no-store", "X-Frame-Options": "DENY",
        "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                   "frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer"})


def message_page(bank: BankRuntime, title: str, message: str, status: int = 400) -> HTMLResponse:
    return render(bank, "message.html", status, title=title, message=message)


def go(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


async def current_session(request: Request, bank: BankRuntime) -> CustomerSession | None:
    return await bank.sessions.get(request.cookies.get(session_cookie(bank)))


def session_token(request: Request, bank: BankRuntime) -> str:
    return request.cookies.get(session_cookie(bank), "")


def set_session(response: Response, bank: BankRuntime, token: str) -> None:
    response.set_cookie(session_cookie(bank), token, httponly=True, samesite="lax", path="/",
                        max_age=bank.settings.session_ttl_s,
                        secure=bank.settings.base_url.startswith("https://"))
