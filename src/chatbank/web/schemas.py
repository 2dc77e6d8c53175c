"""Request bodies (Pydantic, strict, no unknown fields) and response renderers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from chatbank.messenger.model import Message, User
from chatbank.messenger.services.conversations import ConversationView
from chatbank.messenger.services.events import message_to_wire


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SignUp(Body):
    handle: str = Field(max_length=40)
    display_name: str = Field(max_length=200)
    password: str = Field(max_length=1024)
    # API clients want a bearer token; the web client sends false and lives on the httpOnly
    # cookie alone, so script on the page can never read the session secret.
    issue_token: bool = True


class LogIn(Body):
    handle: str = Field(max_length=100)
    password: str = Field(max_length=1024)
    issue_token: bool = True


class ProfileUpdate(Body):
    display_name: str = Field(max_length=200)


class HandleRef(Body):
    handle: str = Field(max_length=40)


class UserRef(Body):
    user_id: str = Field(max_length=40)


class NewGroup(Body):
    title: str = Field(max_length=200)
    member_ids: list[str] = Field(max_length=1000)


class Rename(Body):
    title: str = Field(max_length=200)


class MemberIds(Body):
    user_ids: list[str] = Field(min_length=1, max_length=1000)


class RoleChange(Body):
    role: Literal["admin", "member"]


class CardIn(Body):
    kind: str = Field(max_length=40)
    payload: dict[str, Any]


class NewMessage(Body):
    client_id: str = Field(max_length=64)
    text: str | None = Field(default=None, max_length=100_000)
    card: CardIn | None = None
    reply_to_id: str | None = Field(default=None, max_length=40)


class EditMessage(Body):
    text: str = Field(max_length=100_000)


class Reaction(Body):
    emoji: str = Field(max_length=32)


class Marker(Body):
    seq: int = Field(ge=0)


def user_out(user: User) -> dict[str, Any]:
    return {"id": user.id, "handle": user.handle, "display_name": user.display_name,
            "initials": user.initials, "is_bot": user.is_bot}


def conversation_out(view: ConversationView) -> dict[str, Any]:
    conv = view.conversation
    users = {u.id: u for u in view.users}
    return {
        "id": conv.id, "kind": conv.kind.value, "title": conv.title,
        "last_seq": conv.last_seq, "last_activity_at": conv.last_activity_at.isoformat(),
        "unread": view.unread, "my_role": view.me.role.value,
        "my_read_seq": view.me.last_read_seq,
        "members": [
            {**user_out(users[m.user_id]), "role": m.role.value, "read_seq": m.last_read_seq,
             "delivered_seq": m.last_delivered_seq}
            for m in view.members if m.user_id in users
        ],
    }


def message_out(message: Message) -> dict[str, Any]:
    return message_to_wire(message)
