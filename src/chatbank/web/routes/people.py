"""Routes for accounts, sessions, profiles, contacts and blocks."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from chatbank.messenger.services.accounts import Session
from chatbank.web.deps import SESSION_COOKIE, AuthDep, PlatformDep, client_ip
from chatbank.web.schemas import HandleRef, LogIn, ProfileUpdate, SignUp, UserRef, user_out

router = APIRouter(prefix="/api/v1")


def _session_response(response: Response, session: Session, platform: PlatformDep,
                      issue_token: bool) -> dict[str, Any]:
    response.set_cookie(SESSION_COOKIE, session.token, max_age=platform.settings.session_ttl_s,
                        httponly=True, samesite="lax", secure=platform.settings.cookie_secure,
                        path="/")
    body = {"user": user_out(session.user), "csrf_token": session.csrf_token}
    return body | {"token": session.token} if issue_token else body


@router.post("/auth/signup", status_code=201)
async def sign_up(body: SignUp, response: Response, platform: PlatformDep) -> dict[str, Any]:
    session = await platform.accounts.sign_up(body.handle, body.display_name, body.password)
    return _session_response(response, session, platform, body.issue_token)


@router.post("/auth/login")
async def log_in(body: LogIn, request: Request, response: Response,
                 platform: PlatformDep) -> dict[str, Any]:
    session = await platform.accounts.log_in(body.handle, body.password, client_ip(request))
    return _session_response(response, session, platform, body.issue_token)


@router.post("/auth/logout", status_code=204)
async def log_out(auth: AuthDep, response: Response, platform: PlatformDep) -> None:
    await platform.accounts.log_out(auth)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me")
async def me(auth: AuthDep) -> dict[str, Any]:
    return {"user": user_out(auth.user), "csrf_token": auth.csrf_token}


@router.patch("/me")
async def update_me(body: ProfileUpdate, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"user": user_out(await platform.accounts.rename(auth, body.display_name))}


@router.get("/users/search")
async def search_users(q: str, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"users": [user_out(u) for u in await platform.accounts.search(q)]}


@router.get("/users/by-handle/{handle}")
async def user_by_handle(handle: str, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"user": user_out(await platform.accounts.user_by_handle(handle))}


@router.get("/contacts")
async def list_contacts(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"contacts": [user_out(u) for u in await platform.accounts.contacts(auth)]}


@router.post("/contacts", status_code=201)
async def add_contact(body: HandleRef, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"contact": user_out(await platform.accounts.add_contact(auth, body.handle))}


@router.delete("/contacts/{user_id}", status_code=204)
async def remove_contact(user_id: str, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.accounts.remove_contact(auth, user_id)


@router.get("/blocks")
async def list_blocks(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"blocked": [user_out(u) for u in await platform.accounts.blocked(auth)]}


@router.post("/blocks", status_code=204)
async def block(body: UserRef, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.accounts.block(auth, body.user_id)


@router.delete("/blocks/{user_id}", status_code=204)
async def unblock(user_id: str, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.accounts.unblock(auth, user_id)
