"""Routes for linking banks (the browser's round trip through the bank) and listing links."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from pydantic import Field

from chatbank.connect.model import BankLink
from chatbank.core.errors import ChatbankError
from chatbank.privacy.purposes import PURPOSES, parse_purpose
from chatbank.web.deps import AuthDep, PlatformDep
from chatbank.web.schemas import Body

router = APIRouter()


class NewLink(Body):
    bank_id: str = Field(max_length=40)
    purposes: list[str] = Field(min_length=1, max_length=10)


def link_out(link: BankLink, bank_name: str) -> dict[str, Any]:
    return {"id": link.id, "bank_id": link.bank_id, "bank_name": bank_name,
            "status": link.status.value, "consent_id": link.consent_id,
            "purposes": list(link.purposes),
            "permissions": list(link.permissions), "created_at": link.created_at.isoformat(),
            "expires_at": link.expires_at.isoformat(),
            "authorised_at": link.authorised_at.isoformat() if link.authorised_at else None,
            "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
            "confirmed_at": link.confirmed_at.isoformat() if link.confirmed_at else None}


@router.get("/api/v1/banks")
async def list_banks(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"banks": [{"id": b.id, "name": b.name, "brand_colour": b.brand_colour}
                      for b in platform.directory.all()],
            "purposes": [{"id": p.value, "description": rules.description}
                         for p, rules in PURPOSES.items()]}


@router.get("/api/v1/links")
async def list_links(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    links = await platform.links.links_of(auth.user.id)
    return {"links": [link_out(link, platform.directory.get(link.bank_id).name)
                      for link in links]}


@router.post("/api/v1/links", status_code=201)
async def start_link(body: NewLink, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    purposes = [parse_purpose(p) for p in dict.fromkeys(body.purposes)]
    url = await platform.links.do_start_link(auth.user.id, body.bank_id, purposes)
    return {"authorize_url": url}


@router.delete("/api/v1/links/{link_id}")
async def revoke_link(link_id: str, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    link = await platform.links.do_revoke_link(auth.user.id, link_id)
    return {"link": link_out(link, platform.directory.get(link.bank_id).name)}


@router.post("/api/v1/links/{link_id}/reconfirm")
async def reconfirm_link(link_id: str, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    """Keep a link after the 90-day prompt."""
    link = await platform.links.do_reconfirm_link(auth.user.id, link_id)
    return {"link": link_out(link, platform.directory.get(link.bank_id).name)}


@router.get("/connect/callback", include_in_schema=False)
async def link_callback(auth: AuthDep, platform: PlatformDep, state: str = "",
                        code: str | None = None, error: str | None = None) -> RedirectResponse:
    """The bank sends the browser back here; we finish the link and return to the app."""
    try:
        link = await platform.links.do_complete_link(auth.user.id, state[:200], code, error)
    except ChatbankError as failure:
        return RedirectResponse(f"/#/privacy?link_error={quote(failure.message)}", 303)
    return RedirectResponse(f"/#/privacy?linked={quote(link.bank_id)}", 303)
