"""Messenger domain: users, conversations, members, messages and the rules between them.

Pure Python: no framework or database imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from chatbank.core.errors import Forbidden, InvalidInput

HANDLE_RE = re.compile(r"^[a-z][a-z0-9_]{2,31}$")
MAX_DISPLAY_NAME = 64
MAX_TITLE = 100
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MAX_CLIENT_ID = 64
MAX_EMOJI = 16
CARD_KIND_RE = re.compile(r"^[a-z][a-z0-9_.]{1,39}$")


class ConversationKind(StrEnum):
    DIRECT = "direct"
    GROUP = "group"


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class EventKind(StrEnum):
    MESSAGE_NEW = "message.new"
    MESSAGE_EDITED = "message.edited"
    MESSAGE_DELETED = "message.deleted"
    REACTION_ADDED = "reaction.added"
    REACTION_REMOVED = "reaction.removed"
    MEMBER_ADDED = "member.added"
    MEMBER_REMOVED = "member.removed"
    MEMBER_LEFT = "member.left"
    MEMBER_ROLE = "member.role"
    CONVERSATION_RENAMED = "conversation.renamed"
    CONVERSATION_CREATED = "conversation.created"
    CARD_UPDATED = "card.updated"


def normalise_handle(raw: str) -> str:
    """Lower-case a handle and check its shape (3–32 chars, letter first, a–z 0–9 _)."""
    handle = raw.strip().lstrip("@").lower()
    if not HANDLE_RE.match(handle):
        raise InvalidInput(
            "invalid_handle",
            "Handles are 3–32 characters: a letter, then letters, digits or underscores.",
        )
    return handle


def clean_display_name(raw: str) -> str:
    name = unicodedata.normalize("NFC", raw).strip()
    if not name or len(name) > MAX_DISPLAY_NAME or not name.isprintable():
        raise InvalidInput("invalid_display_name", "Display names are 1–64 printable characters.")
    return name


def check_password_strength(password: str, handle: str) -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            "weak_password", f"Passwords are {MIN_PASSWORD}–{MAX_PASSWORD} characters long."
        )
    if handle in password.lower():
        raise InvalidInput("weak_password", "The password must not contain your handle.")


def clean_title(raw: str) -> str:
    title = unicodedata.normalize("NFC", raw).strip()
    if not title or len(title) > MAX_TITLE or not title.isprintable():
        raise InvalidInput("invalid_title", "Group names are 1–100 printable characters.")
    return title


def clean_text(raw: str, max_chars: int) -> str:
    text = unicodedata.normalize("NFC", raw)
    if not text.strip():
        raise InvalidInput("empty_message", "A message needs some text.")
    if len(text) > max_chars:
        raise InvalidInput(
            "message_too_long", f"Messages are at most {max_chars} characters.", limit=max_chars
        )
    return text


def check_client_id(client_id: str) -> str:
    if not 1 <= len(client_id) <= MAX_CLIENT_ID or not client_id.isprintable():
        raise InvalidInput("invalid_client_id", "client_id is 1–64 printable characters.")
    return client_id


def check_emoji(emoji: str) -> str:
    if not 1 <= len(emoji) <= MAX_EMOJI or not emoji.strip() or not emoji.isprintable():
        raise InvalidInput("invalid_reaction", "A reaction is one emoji (at most 16 characters).")
    return emoji


def check_card_kind(kind: str) -> str:
    if not CARD_KIND_RE.match(kind):
        raise InvalidInput("invalid_card_kind", "Card kinds look like 'payment.request'.")
    return kind


def direct_key(user_a: str, user_b: str) -> str:
    """One direct conversation per unordered pair of users."""
    first, second = sorted((user_a, user_b))
    return f"{first}:{second}"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    handle: str
    display_name: str
    is_bot: bool
    created_at: datetime

    @property
    def initials(self) -> str:
        parts = [p for p in self.display_name.split() if p]
        letters = "".join(p[0] for p in parts[:2]) or self.handle[:2]
        return letters.upper()


@dataclass(frozen=True, slots=True)
class Member:
    conversation_id: str
    user_id: str
    role: Role
    joined_seq: int
    left_seq: int | None
    last_read_seq: int
    last_delivered_seq: int

    @property
    def active(self) -> bool:
        return self.left_seq is None


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    kind: ConversationKind
    title: str | None
    created_by: str
    created_at: datetime
    last_seq: int
    last_activity_at: datetime


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    conversation_id: str
    seq: int
    sender_id: str
    client_id: str
    text: str | None
    card_kind: str | None
    card_payload: dict[str, Any] | None
    reply_to_id: str | None
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    reactions: dict[str, list[str]] = field(default_factory=dict)

    def same_content(self, text: str | None, card_kind: str | None,
                     card_payload: dict[str, Any] | None, reply_to_id: str | None) -> bool:
        """Whether a retried send with this client id carries the same content."""
        return (self.text, self.card_kind, self.card_payload, self.reply_to_id) == (
            text, card_kind, card_payload, reply_to_id,
        )


@dataclass(frozen=True, slots=True)
class Event:
    conversation_id: str
    seq: int
    kind: str
    actor_id: str
    payload: dict[str, Any]
    created_at: datetime


def require_admin(member: Member, conversation: Conversation) -> None:
    if conversation.kind is ConversationKind.DIRECT:
        raise Forbidden("direct_conversation", "Direct conversations have no members to manage.")
    if member.role is not Role.ADMIN:
        raise Forbidden("not_admin", "Only group admins can do this.")
