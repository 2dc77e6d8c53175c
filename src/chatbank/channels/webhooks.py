"""Webhook security and parsing (pure), as the Messenger Platform and WhatsApp Cloud API specify.

Verification: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` echoes the challenge.
Deliveries: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`, checked in
constant time before the body is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from chatbank.channels.model import Channel, ChannelError, EventKind, InboundEvent
from chatbank.core.errors import Forbidden, Unauthenticated

SIGNATURE_PREFIX = "sha256="
OBJECTS = {Channel.MESSENGER: "page", Channel.WHATSAPP: "whatsapp_business_account"}


def sign(app_secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` value for `body` (the platforms compute exactly this)."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def verify_signature(app_secret: str, body: bytes, header: str | None) -> None:
    """Raise `signature_missing` or `signature_invalid` unless `header` signs `body`."""
    if not header:
        raise Unauthenticated("signature_missing",
                           "Deliveries must carry an X-Hub-Signature-256 header.")
    if not hmac.compare_digest(header.strip().lower().encode(), sign(app_secret, body).encode()):
        raise Forbidden("signature_invalid",
                           "X-Hub-Signature-256 does not match the body and the app secret.")


def verify_subscription(verify_token: str, mode: str | None, token: str | None,
                        challenge: str | None) -> str:
    """The challenge to echo when the platform's verification request is ours."""
    if mode != "subscribe" or token is None or challenge is None or not hmac.compare_digest(
            token.encode(), verify_token.encode()):
        raise Forbidden("verification_failed",
                           "hub.mode must be 'subscribe' and hub.verify_token ours.")
    return challenge


def parse_delivery(channel: Channel, body: bytes) -> list[InboundEvent]:
    """The events of one (already verified) delivery, in the platform's order."""
    try:
        data = json.loads(body)
    except ValueError:
        raise ChannelError("malformed_delivery", "The delivery is not JSON.") from None
    if not isinstance(data, dict) or data.get("object") != OBJECTS[channel]:
        raise ChannelError("unexpected_object",
                           f"Deliveries here have object '{OBJECTS[channel]}'.")
    entries = [e for e in data.get("entry") or [] if isinstance(e, dict)]
    try:
        if channel is Channel.MESSENGER:
            return [event for entry in entries for item in entry.get("messaging") or []
                    if (event := _messenger_event(item)) is not None]
        return [event for entry in entries for change in entry.get("changes") or []
                if change.get("field") == "messages"
                for event in _whatsapp_events(change.get("value") or {})]
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ChannelError("malformed_delivery",
                           "The delivery does not have the documented shape.") from None


def _messenger_event(item: dict[str, Any]) -> InboundEvent | None:
    sender = str((item.get("sender") or {}).get("id", ""))
    at = int(item.get("timestamp") or 0)
    if not sender:
        return None
    message, postback, read = item.get("message"), item.get("postback"), item.get("read")
    if isinstance(message, dict) and not message.get("is_echo") and message.get("mid"):
        quick = (message.get("quick_reply") or {}).get("payload")
        text = str(quick or message.get("text") or "")
        return InboundEvent(Channel.MESSENGER, str(message["mid"]), sender, EventKind.TEXT, at,
                            text=text) if text else None
    if isinstance(postback, dict):
        event_id = str(postback.get("mid") or f"postback:{sender}:{at}")
        return InboundEvent(Channel.MESSENGER, event_id, sender, EventKind.TEXT, at,
                            text=str(postback.get("payload") or postback.get("title") or ""))
    if isinstance(read, dict) and read.get("watermark"):
        watermark = int(read["watermark"])
        return InboundEvent(Channel.MESSENGER, f"read:{sender}:{watermark}", sender,
                            EventKind.READ, watermark)
    return None


def _whatsapp_events(value: dict[str, Any]) -> list[InboundEvent]:
    if value.get("messaging_product") != "whatsapp":
        return []
    events = []
    for message in value.get("messages") or []:
        text = _whatsapp_text(message)
        if text and message.get("id") and message.get("from"):
            events.append(InboundEvent(Channel.WHATSAPP, str(message["id"]),
                                       str(message["from"]), EventKind.TEXT,
                                       int(message.get("timestamp") or 0) * 1000, text=text))
    for status in value.get("statuses") or []:
        if status.get("id") and status.get("status") and status.get("recipient_id"):
            events.append(InboundEvent(
                Channel.WHATSAPP, f"status:{status['id']}:{status['status']}",
                str(status["recipient_id"]), EventKind.STATUS,
                int(status.get("timestamp") or 0) * 1000, status=str(status["status"]),
                message_id=str(status["id"])))
    return events


def _whatsapp_text(message: dict[str, Any]) -> str:
    kind = message.get("type")
    if kind == "text":
        return str((message.get("text") or {}).get("body") or "")
    if kind == "interactive":
        interactive = message.get("interactive") or {}
        answer = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return str(answer.get("id") or answer.get("title") or "")
    if kind == "button":
        button = message.get("button") or {}
        return str(button.get("payload") or button.get("text") or "")
    return ""
