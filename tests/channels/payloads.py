"""Webhook bodies exactly as the Messenger Platform and WhatsApp Cloud API document them."""

from __future__ import annotations

import time
import uuid
from typing import Any

PAGE_ID = "1067280970047460"
WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"


def now_ms() -> int:
    return int(time.time() * 1000)


def new_mid() -> str:
    return f"m_{uuid.uuid4().hex}"


def new_wamid() -> str:
    return f"wamid.{uuid.uuid4().hex.upper()}"


def messenger(*messaging: dict[str, Any]) -> dict[str, Any]:
    """`object: page` with one entry holding the `messaging` events."""
    return {"object": "page", "entry": [{"id": PAGE_ID, "time": now_ms(),
                                         "messaging": list(messaging)}]}


def messenger_text(psid: str, text: str, mid: str | None = None, at_ms: int | None = None,
                   quick_reply: str | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"mid": mid or new_mid(), "text": text}
    if quick_reply is not None:
        message["quick_reply"] = {"payload": quick_reply}
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID},
            "timestamp": at_ms or now_ms(), "message": message}


def messenger_postback(psid: str, title: str, payload: str) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": now_ms(),
            "postback": {"mid": new_mid(), "title": title, "payload": payload}}


def messenger_read(psid: str, watermark_ms: int) -> dict[str, Any]:
    return {"sender": {"id": psid}, "recipient": {"id": PAGE_ID}, "timestamp": now_ms(),
            "read": {"watermark": watermark_ms}}


def whatsapp(messages: list[dict[str, Any]] | None = None,
             statuses: list[dict[str, Any]] | None = None, name: str = "Alice") -> dict[str, Any]:
    """`object: whatsapp_business_account` with one `messages` change."""
    value: dict[str, Any] = {"messaging_product": "whatsapp", "metadata": {
        "display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID}}
    if messages:
        value["contacts"] = [{"profile": {"name": name}, "wa_id": messages[0]["from"]}]
        value["messages"] = messages
    if statuses:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}]}


def whatsapp_text(wa_id: str, text: str, wamid: str | None = None,
                  at_s: int | None = None) -> dict[str, Any]:
    return {"from": wa_id, "id": wamid or new_wamid(), "timestamp": str(at_s or int(time.time())),
            "type": "text", "text": {"body": text}}


def whatsapp_button_reply(wa_id: str, reply_id: str, title: str) -> dict[str, Any]:
    return {"from": wa_id, "id": new_wamid(), "timestamp": str(int(time.time())),
            "type": "interactive", "interactive": {
                "type": "button_reply", "button_reply": {"id": reply_id, "title": title}}}


def whatsapp_status(wa_id: str, wamid: str, status: str, at_s: int) -> dict[str, Any]:
    return {"id": wamid, "status": status, "timestamp": str(at_s), "recipient_id": wa_id,
            "conversation": {"id": uuid.uuid4().hex, "origin": {"type": "service"}},
            "pricing": {"billable": True, "pricing_model": "PMP", "category": "service"}}
