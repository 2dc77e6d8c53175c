"""The channels domain (pure): events from third-party chats, replies to them, send failures.

A channel is a chat platform chatbank does not run (Messenger, WhatsApp). What leaves for it is
only the reply text and its buttons; amounts can be masked per user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chatbank.core.errors import ChatbankError


class Channel(StrEnum):
    MESSENGER = "messenger"
    WHATSAPP = "whatsapp"


class EventKind(StrEnum):
    TEXT = "text"  # a typed message, a quick reply, a postback or an interactive reply
    READ = "read"  # Messenger `message_reads` (a watermark)
    STATUS = "status"  # WhatsApp `statuses` of a message we sent


class ChannelError(ChatbankError):
    """A refused webhook or link (codes: signature_missing, signature_invalid, …)."""


@dataclass(frozen=True, slots=True)
class InboundEvent:
    """One event of a webhook delivery, identified by the platform's id (mid / wamid)."""

    channel: Channel
    event_id: str
    sender_id: str
    kind: EventKind
    sent_at_ms: int
    text: str = ""
    status: str = ""  # for STATUS: sent | delivered | read | failed
    message_id: str = ""  # for STATUS: the wamid it is about

    def body(self) -> dict[str, Any]:
        return {"text": self.text, "status": self.status, "message_id": self.message_id}


@dataclass(frozen=True, slots=True)
class Link:
    """A button that opens a page in the browser (a bank's own pages, chatbank's login)."""

    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A button whose tap is sent back as if the user had typed `reply`."""

    label: str
    reply: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A channel-neutral reply: text, choices and browser links. Formatters fit it to a channel."""

    text: str
    choices: tuple[Choice, ...] = ()
    links: tuple[Link, ...] = ()
    financial: bool = False


@dataclass(frozen=True, slots=True)
class Receipt:
    """A completed payment, for the Messenger receipt template (and a text receipt elsewhere)."""

    payment_id: str
    payer_name: str
    payee_name: str
    note: str
    amount_minor: int
    currency: str
    display: str
    paid_at_s: int


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What goes out to one recipient: a reply, a receipt or a typing indicator."""

    reply: Reply | None = None
    receipt: Receipt | None = None
    typing: bool = False
    tags: dict[str, str] = field(default_factory=dict)


# Messenger and WhatsApp error codes (Graph API `error.code`) that mean "slow down".
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, 80007, 130429, 131056})
# Transient failures worth another try with ordinary backoff.
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016})


class SendFailure(Exception):
    """A Send API call that did not deliver; `code` is the Graph error code (0: no answer)."""

    def __init__(self, code: int, http_status: int, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.http_status, self.message = code, http_status, message

    @property
    def rate_limited(self) -> bool:
        return self.code in RATE_LIMIT_CODES or self.http_status == 429

    @property
    def retryable(self) -> bool:
        return (self.rate_limited or self.code in TRANSIENT_CODES or self.http_status >= 500
                or self.http_status == 0)


MAX_ATTEMPTS = 8
RATE_LIMIT_FACTOR = 8  # rate-limited sends wait this many times longer than other retries


def retry_delay_ms(failure: SendFailure, attempts: int, base_ms: int) -> int | None:
    """How long to wait before try number `attempts + 1`; None when it should not be retried."""
    if not failure.retryable or attempts >= MAX_ATTEMPTS:
        return None
    delay: int = base_ms << max(0, attempts - 1)
    return delay * RATE_LIMIT_FACTOR if failure.rate_limited else delay


DELIVERY_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


def later_delivery(current: str | None, reported: str) -> bool:
    """Whether a status report moves a message forward (late "delivered" after "read" does not)."""
    return DELIVERY_RANK.get(reported, 0) > DELIVERY_RANK.get(current or "", 0)


_AMOUNT = re.compile(r"([£$€])\s?-?\d[\d,]*(?:\.\d+)?")
MASK = "•••.••"


def mask_amounts(text: str) -> str:
    """Every amount replaced by its currency sign and dots: "£1,234.56" → "£•••.••"."""
    return _AMOUNT.sub(lambda match: f"{match.group(1)}{MASK}", text)


def mentions_amount(text: str) -> bool:
    return _AMOUNT.search(text) is not None


def describe_chat(channel: Channel, external_id: str) -> str:
    """How a person recognises the chat: WhatsApp numbers end visible, Messenger ids are opaque."""
    if channel is Channel.WHATSAPP:
        return f"WhatsApp chat with the number ending {external_id[-4:]}"
    return "Messenger chat"
