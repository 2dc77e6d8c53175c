"""The privacy centre's API: the user's own access log, and revoking every bank link at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from chatbank.connect.model import LinkStatus
from chatbank.web.deps import AuthDep, PlatformDep
from chatbank.web.routes.banking import link_out
from chatbank.web.schemas import Body

router = APIRouter(prefix="/api/v1/privacy")


@router.get("/access-log")
async def access_log(auth: AuthDep, platform: PlatformDep,
                     limit: int = Query(default=50, ge=1, le=200),
                     before: int | None = Query(default=None, ge=1)) -> dict[str, Any]:
    """Every use of the user's bank data, newest first, in plain words."""
    page = await platform.audit.access_audit_log_by_user(auth.user.id, limit, before)
    return {"entries": [{"seq": line.seq, "at": line.at.isoformat(), "action": line.action,
                         "allowed": line.allowed, "code": line.code, "text": line.text}
                        for line in page.lines],
            "next_before": page.next_before}


class DeleteAccount(Body):
    password: str = Field(max_length=1024)


@router.get("/export")
async def export(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    """Everything the platform holds about the user (no tokens, keys or others' messages)."""
    return await platform.privacy.do_export(auth)


@router.post("/delete-account", status_code=204)
async def delete_account(body: DeleteAccount, auth: AuthDep, platform: PlatformDep) -> None:
    """Irreversible: bank links revoked at the banks, data key destroyed, profile scrubbed."""
    await platform.privacy.do_delete_account(auth, body.password)


@router.post("/revoke-all")
async def revoke_all(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    """Disconnect every bank: consents deleted at the banks, tokens revoked, data key shredded."""
    revoked = []
    for link in await platform.links.links_of(auth.user.id):
        if link.status in (LinkStatus.ACTIVE, LinkStatus.PENDING):
            done = await platform.links.do_revoke_link(auth.user.id, link.id)
            revoked.append(link_out(done, platform.directory.get(done.bank_id).name))
    return {"revoked": revoked}
