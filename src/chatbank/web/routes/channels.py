"""Webhooks of Messenger and WhatsApp, the account-linking page, and the privacy setting."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from pydantic import Field

from chatbank.channels.model import Channel
from chatbank.channels.services import ChannelService
from chatbank.core.errors import ChatbankError
from chatbank.web.deps import AuthDep, PlatformDep, client_ip
from chatbank.web.errors import status_for
from chatbank.web.schemas import Body

router = APIRouter()
SIGNATURE_HEADER = "x-hub-signature-256"


def channels_of(platform: PlatformDep) -> ChannelService:
    assert platform.channels is not None
    return platform.channels


@router.get("/webhooks/{channel}", include_in_schema=False)
async def verify_webhook(channel: Channel, platform: PlatformDep,
                         mode: str | None = Query(None, alias="hub.mode"),
                         token: str | None = Query(None, alias="hub.verify_token"),
                         challenge: str | None = Query(None, alias="hub.challenge")
                         ) -> PlainTextResponse:
    """The platform's subscription handshake: echo `hub.challenge` for our verify token."""
    return PlainTextResponse(channels_of(platform).answer_verification(channel, mode, token,
                                                                        challenge))


@router.post("/webhooks/{channel}", include_in_schema=False)
async def receive_webhook(channel: Channel, request: Request,
                          platform: PlatformDep) -> PlainTextResponse:
    """A delivery: signature checked on the raw body, events stored, answered at once."""
    body = await request.body()
    await channels_of(platform).receive_delivery(channel, body,
                                                 request.headers.get(SIGNATURE_HEADER))
    return PlainTextResponse("EVENT_RECEIVED")


def _page(title: str, inner: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport "
        f"content='width=device-width'><title>{escape(title)} · chatbank</title>"
        f"<body style='font-family:system-ui;max-width:28rem;margin:2rem auto;padding:0 1rem'>"
        f"<h1>{escape(title)}</h1>{inner}</body></html>", status)


@router.get("/channels/link", include_in_schema=False)
async def link_page(platform: PlatformDep,
                    token: str = Query("", max_length=200)) -> HTMLResponse:
    """chatbank's own login page for linking a Messenger or WhatsApp chat."""
    try:
        chat = await channels_of(platform).describe_link_token(token)
    except ChatbankError as failure:
        return _page("Link expired", f"<p>{escape(failure.message)}</p>", status_for(failure))
    return _page("Link your chat to chatbank", (
        f"<p>This links your <strong>{escape(chat)}</strong> to your chatbank account: "
        "chatbank will answer you there as you. Only link a chat that is yours.</p>"
        "<p>Bank linking and payments always open your bank's own pages in the "
        "browser.</p>"
        "<form method=post action='/channels/link'>"
        f"<input type=hidden name=token value='{escape(token, quote=True)}'>"
        "<p><label>Handle <input name=handle autocomplete=username required></label></p>"
        "<p><label>Password <input name=password type=password "
        "autocomplete=current-password required></label></p>"
        "<button>Log in and link</button></form>"))


@router.post("/channels/link", include_in_schema=False)
async def link_with_login(request: Request, platform: PlatformDep) -> HTMLResponse:
    """Log in with the form, then bind the chat the one-time token was made for."""
    form = {key: values[0] for key, values in parse_qs((await request.body()).decode(
        errors="replace")).items()}
    try:
        session = await platform.accounts.log_in(form.get("handle", ""),
                                                 form.get("password", ""), client_ip(request))
    except ChatbankError as failure:
        return _page("Not linked", f"<p>{escape(failure.message)}</p>", status_for(failure))
    try:  # the page needs no session of its own: it ends whatever happens
        channel = await channels_of(platform).do_link_identity(form.get("token", ""),
                                                               session.user.id)
    except ChatbankError as failure:
        return _page("Not linked", f"<p>{escape(failure.message)}</p>", status_for(failure))
    finally:
        await platform.accounts.log_out(await platform.accounts.authenticate(session.token))
    return _page("Linked", f"<p>Your {escape(channel.value.title())} chat now talks to "
                 "chatbank as you. You can close this page and go back to the chat.</p>")


class LinkToken(Body):
    token: str = Field(max_length=200)


class ChannelSettings(Body):
    masked_amounts: bool


@router.post("/api/v1/channels/link")
async def link_signed_in(body: LinkToken, auth: AuthDep, platform: PlatformDep
                         ) -> dict[str, Any]:
    """Link a chat for the signed-in user (the web client's version of the login page)."""
    channel = await channels_of(platform).do_link_identity(body.token, auth.user.id)
    return {"channel": channel.value}


@router.get("/api/v1/privacy/channels")
async def channel_settings(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    """Linked third-party chats and whether they get only masked amounts."""
    service = channels_of(platform)
    return {"masked_amounts": await service.masked_amounts(auth.user.id),
            "enabled": sorted(channel.value for channel in service.enabled),
            "linked": [{"channel": i.channel.value, "external_id": i.external_id,
                        "linked_at": i.linked_at.isoformat() if i.linked_at else None}
                       for i in await service.identities_of(auth.user.id)]}


@router.put("/api/v1/privacy/channels")
async def change_channel_settings(body: ChannelSettings, auth: AuthDep,
                                  platform: PlatformDep) -> dict[str, Any]:
    """Choose masked amounts ("£•••.••") on Messenger and WhatsApp."""
    await channels_of(platform).do_set_masked_amounts(auth.user.id, body.masked_amounts)
    return await channel_settings(auth, platform)


@router.delete("/api/v1/privacy/channels/{channel}/{external_id}", status_code=204)
async def unlink_chat(channel: Channel, external_id: str, auth: AuthDep,
                      platform: PlatformDep) -> None:
    """Stop answering that chat as the user."""
    await channels_of(platform).do_unlink_identity(auth.user.id, channel, external_id)
