"""Routes for conversations, members, messages, receipts and reactions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from chatbank.messenger.model import Role
from chatbank.messenger.services.events import event_to_wire
from chatbank.web.deps import AuthDep, PlatformDep
from chatbank.web.schemas import (
    EditMessage,
    Marker,
    MemberIds,
    NewGroup,
    NewMessage,
    Reaction,
    Rename,
    RoleChange,
    UserRef,
    conversation_out,
    message_out,
)

router = APIRouter(prefix="/api/v1")


@router.get("/conversations")
async def list_conversations(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    views = await platform.conversations.list_for(auth)
    return {"conversations": [conversation_out(v) for v in views]}


@router.post("/conversations/direct", status_code=201)
async def open_direct(body: UserRef, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    view = await platform.conversations.open_direct(auth, body.user_id)
    return {"conversation": conversation_out(view)}


@router.post("/conversations/group", status_code=201)
async def create_group(body: NewGroup, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    view = await platform.conversations.create_group(auth, body.title, body.member_ids)
    return {"conversation": conversation_out(view)}


@router.get("/conversations/{conversation_id}")
async def get_conversation(conversation_id: str, auth: AuthDep,
                           platform: PlatformDep) -> dict[str, Any]:
    return {"conversation": conversation_out(
        await platform.conversations.get(auth, conversation_id))}


@router.patch("/conversations/{conversation_id}", status_code=204)
async def rename(conversation_id: str, body: Rename, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.conversations.rename(auth, conversation_id, body.title)


@router.post("/conversations/{conversation_id}/members", status_code=204)
async def add_members(conversation_id: str, body: MemberIds, auth: AuthDep,
                      platform: PlatformDep) -> None:
    await platform.conversations.add_members(auth, conversation_id, body.user_ids)


@router.delete("/conversations/{conversation_id}/members/{user_id}", status_code=204)
async def remove_member(conversation_id: str, user_id: str, auth: AuthDep,
                        platform: PlatformDep) -> None:
    await platform.conversations.remove_member(auth, conversation_id, user_id)


@router.patch("/conversations/{conversation_id}/members/{user_id}", status_code=204)
async def change_role(conversation_id: str, user_id: str, body: RoleChange, auth: AuthDep,
                      platform: PlatformDep) -> None:
    await platform.conversations.set_role(auth, conversation_id, user_id, Role(body.role))


@router.post("/conversations/{conversation_id}/leave", status_code=204)
async def leave(conversation_id: str, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.conversations.leave(auth, conversation_id)


@router.get("/conversations/{conversation_id}/messages")
async def history(conversation_id: str, auth: AuthDep, platform: PlatformDep,
                  before_seq: int | None = Query(default=None, ge=1),
                  limit: int = Query(default=50, ge=1, le=200)) -> dict[str, Any]:
    page = await platform.messages.history(auth, conversation_id, before_seq, limit)
    return {"messages": [message_out(m) for m in page],
            "next_before_seq": page[0].seq if len(page) == limit else None}


@router.post("/conversations/{conversation_id}/messages", status_code=201)
async def send(conversation_id: str, body: NewMessage, auth: AuthDep, response: Response,
               platform: PlatformDep) -> dict[str, Any]:
    card = (body.card.kind, body.card.payload) if body.card else None
    message, created = await platform.messages.send(auth, conversation_id, body.client_id,
                                                    body.text, card, body.reply_to_id)
    if not created:
        response.status_code = 200  # a retry: the original message, nothing new stored
    return {"message": message_out(message)}


@router.get("/conversations/{conversation_id}/events")
async def events(conversation_id: str, auth: AuthDep, platform: PlatformDep,
                 after_seq: int = Query(default=0, ge=0),
                 limit: int = Query(default=200, ge=1, le=500)) -> dict[str, Any]:
    found = await platform.messages.events_since(auth.user.id, conversation_id, after_seq, limit)
    return {"events": [event_to_wire(e) for e in found]}


@router.post("/conversations/{conversation_id}/read", status_code=204)
async def mark_read(conversation_id: str, body: Marker, auth: AuthDep,
                    platform: PlatformDep) -> None:
    await platform.messages.mark(auth, conversation_id, body.seq, read=True)


@router.post("/conversations/{conversation_id}/typing", status_code=204)
async def typing(conversation_id: str, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.messages.typing(auth, conversation_id)


@router.patch("/messages/{message_id}")
async def edit(message_id: str, body: EditMessage, auth: AuthDep,
               platform: PlatformDep) -> dict[str, Any]:
    return {"message": message_out(await platform.messages.edit(auth, message_id, body.text))}


@router.delete("/messages/{message_id}", status_code=204)
async def delete(message_id: str, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.messages.delete(auth, message_id)


@router.post("/messages/{message_id}/reactions", status_code=204)
async def react(message_id: str, body: Reaction, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.messages.react(auth, message_id, body.emoji, add=True)


@router.delete("/messages/{message_id}/reactions/{emoji}", status_code=204)
async def unreact(message_id: str, emoji: str, auth: AuthDep, platform: PlatformDep) -> None:
    await platform.messages.react(auth, message_id, emoji, add=False)
