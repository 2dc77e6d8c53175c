"""A local Graph API for the channel tests: the Send endpoints of Messenger and WhatsApp Cloud.

A real ASGI app on a free port. It checks the access token and the documented request shapes
and limits, answers with the documented success bodies (`{"recipient_id", "message_id"}`;
`{"messaging_product", "contacts", "messages": [{"id": "wamid…"}]}`) or Graph errors
(`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`), can be told to fail
the next sends (rate limits 613 / 4 / 80007 / 130429, transient 2 / 131000, permanent 100), and
records every request. It also signs webhooks exactly as the platforms do (X-Hub-Signature-256).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from chatbank.channels.webhooks import sign

VERSION = "v21.0"
MESSAGING_TYPES = {"RESPONSE", "UPDATE", "MESSAGE_TAG"}


@dataclass
class Call:
    """One request the server received, and what it answered."""

    channel: str
    recipient: str
    body: dict[str, Any]
    status: int
    at: float
    answer: dict[str, Any]


def graph_error(status: int, code: int, message: str, subcode: int | None = None
                ) -> JSONResponse:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code,
                             "fbtrace_id": uuid.uuid4().hex[:11]}
    if subcode is not None:
        error["error_subcode"] = subcode
    return JSONResponse({"error": error}, status)


def messenger_problem(body: dict[str, Any]) -> str | None:
    """What the documented Send API would refuse in `body` (None when it is acceptable)."""
    if not (body.get("recipient") or {}).get("id"):
        return "recipient.id is required"
    if "sender_action" in body:
        return None if body["sender_action"] in {"typing_on", "typing_off", "mark_seen"} else (
            "bad sender_action")
    message = body.get("message") or {}
    if body.get("messaging_type") not in MESSAGING_TYPES:
        return "messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG"
    if len(message.get("text", "")) > 2000 or len(message.get("quick_replies", [])) > 13:
        return "text over 2000 characters or more than 13 quick replies"
    if any(len(q["title"]) > 20 for q in message.get("quick_replies", [])):
        return "quick reply titles are at most 20 characters"
    payload = (message.get("attachment") or {}).get("payload") or {}
    if payload.get("template_type") == "button" and (
            len(payload["buttons"]) > 3 or len(payload["text"]) > 640
            or any(len(b["title"]) > 20 for b in payload["buttons"])):
        return "button template: at most 3 buttons (title ≤ 20) and text ≤ 640"
    if payload.get("template_type") == "receipt" and not all(
            key in payload for key in ("recipient_name", "order_number", "currency",
                                       "payment_method", "summary")):
        return "receipt template: recipient_name, order_number, currency, payment_method, " \
               "summary are required"
    return None if "text" in message or "attachment" in message else "message is empty"


def whatsapp_problem(body: dict[str, Any]) -> str | None:
    if body.get("messaging_product") != "whatsapp" or not body.get("to"):
        return "messaging_product 'whatsapp' and to are required"
    if body.get("type") == "text":
        return None if 0 < len(body["text"]["body"]) <= 4096 else "text.body is 1–4096 chars"
    if body.get("type") != "interactive":
        return "unsupported type"
    interactive = body["interactive"]
    if len(interactive["body"]["text"]) > 1024:
        return "interactive body over 1024 characters"
    action = interactive["action"]
    if interactive["type"] == "button":
        buttons = action["buttons"]
        return None if len(buttons) <= 3 and all(
            len(b["reply"]["title"]) <= 20 for b in buttons) else "≤ 3 buttons, title ≤ 20"
    if interactive["type"] == "list":
        rows = [row for section in action["sections"] for row in section["rows"]]
        return None if len(rows) <= 10 and all(len(r["title"]) <= 24 for r in rows) else (
            "≤ 10 rows, title ≤ 24")
    if interactive["type"] == "cta_url":
        parameters = action["parameters"]
        return None if len(parameters["display_text"]) <= 20 and parameters["url"] else (
            "cta_url needs display_text ≤ 20 and url")
    return "unknown interactive type"


class GraphServer:
    def __init__(self, page_token: str, whatsapp_token: str, phone_number_id: str) -> None:
        self.page_token, self.whatsapp_token = page_token, whatsapp_token
        self.phone_number_id = phone_number_id
        self.url = ""  # set once it listens
        self.calls: list[Call] = []
        self.failures: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self.lock = threading.Lock()
        self.app = self._build()

    def fail_next(self, channel: str, recipient: str, *failures: tuple[int, int]) -> None:
        """Answer the next message sends (not typing) to `recipient` with (HTTP status, code)."""
        with self.lock:
            self.failures.setdefault((channel, recipient), []).extend(failures)

    def _build(self) -> FastAPI:
        app = FastAPI()

        @app.get("/healthz")
        async def healthz() -> dict[str, str]:
            return {"status": "ok"}

        @app.post(f"/{VERSION}/me/messages")
        async def messenger_send(request: Request) -> JSONResponse:
            body = await request.json()
            if request.headers.get("authorization") != f"Bearer {self.page_token}" and (
                    request.query_params.get("access_token") != self.page_token):
                return graph_error(400, 190, "Invalid OAuth access token.")
            recipient = str((body.get("recipient") or {}).get("id", ""))
            return self._answer("messenger", recipient, body, messenger_problem(body), {
                "recipient_id": recipient, "message_id": f"m_{uuid.uuid4().hex}"})

        @app.post(f"/{VERSION}/{{phone_number_id}}/messages")
        async def whatsapp_send(phone_number_id: str, request: Request) -> JSONResponse:
            body = await request.json()
            if request.headers.get("authorization") != f"Bearer {self.whatsapp_token}":
                return graph_error(401, 190, "Invalid OAuth access token.")
            if phone_number_id != self.phone_number_id:
                return graph_error(400, 100, "Unsupported post request.", 33)
            to = str(body.get("to", ""))
            return self._answer("whatsapp", to, body, whatsapp_problem(body), {
                "messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
                "messages": [{"id": f"wamid.{uuid.uuid4().hex.upper()}"}]})

        return app

    def _answer(self, channel: str, recipient: str, body: dict[str, Any], problem: str | None,
                success: dict[str, Any]) -> JSONResponse:
        with self.lock:
            queued = self.failures.get((channel, recipient), [])
            scripted = queued.pop(0) if queued and "sender_action" not in body else None
            if scripted is not None:
                response = graph_error(scripted[0], scripted[1], "Scripted failure")
            elif problem is not None:
                response = graph_error(400, 100, f"(#100) {problem}")
            else:
                response = JSONResponse(success)
            self.calls.append(Call(channel, recipient, body, response.status_code,
                                   time.monotonic(), json.loads(response.body)))
        return response

    def to(self, channel: str, recipient: str, delivered: bool = True) -> list[Call]:
        """What was sent (successfully, unless `delivered` is False) to one recipient."""
        with self.lock:
            return [c for c in self.calls if c.channel == channel and c.recipient == recipient
                    and (c.status == 200 or not delivered) and "sender_action" not in c.body]

    def wait_for(self, channel: str, recipient: str, found: Callable[[list[Call]], bool],
                 timeout_s: float = 60.0) -> list[Call]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            calls = self.to(channel, recipient)
            if found(calls):
                return calls
            time.sleep(0.05)
        raise AssertionError(f"not sent to {recipient} on {channel} in {timeout_s} s: "
                             f"{[c.body for c in self.to(channel, recipient, False)]}")


def deliver(platform_url: str, channel: str, payload: dict[str, Any], app_secret: str,
            signature: str | None = "sign", body: bytes | None = None) -> httpx.Response:
    """POST a webhook as the platform does: raw JSON body, X-Hub-Signature-256 over it."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Hub-Signature-256"] = sign(app_secret, raw)
    elif signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return httpx.post(f"{platform_url}/webhooks/{channel}", content=body or raw,
                      headers=headers, timeout=30)
