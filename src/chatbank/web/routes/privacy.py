"""The privacy centre's API: the user's own access log, and revoking every bank link at once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from chatbank.connect.model import LinkStatus
from chatbank.web.deps import AuthDep, PlatformDep
from chatbank.web.routes.banking import link_out

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


@router.post("/revoke-all")
async def revoke_all(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    """Disconnect every bank: consents deleted at the banks, tokens revoked, data key shredded."""
    revoked = []
    for link in await platform.links.links_of(auth.user.id):
        if link.status in (LinkStatus.ACTIVE, LinkStatus.PENDING):
            done = await platform.links.do_revoke_link(auth.user.id, link.id)
            revoked.append(link_out(done, platform.directory.get(done.bank_id).name))
    return {"revoked": revoked}
