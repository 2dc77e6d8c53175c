"""ASGI edge of the bank: body size limit, `x-fapi-interaction-id`, response `x-jws-signature`."""

from __future__ import annotations

import json
import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chatbank.bank.openbanking.errors import ob_error_body
from chatbank.bank.openbanking.jws import SigningKey

INTERACTION_ID = re.compile(r"^[0-9a-fA-F-]{8,64}$")
SIGNED_PREFIX = "/open-banking/"


class BankEdge:
    """Wraps the bank app: refuses oversize bodies, echoes the interaction id, signs API bodies."""

    def __init__(self, app: ASGIApp, max_bytes: int, key: SigningKey, issuer: str) -> None:
        self.app, self.max_bytes, self.key, self.issuer = app, max_bytes, key, issuer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        given = headers.get(b"x-fapi-interaction-id", b"").decode("latin-1")
        interaction_id = given if INTERACTION_ID.match(given) else str(uuid.uuid4())
        sign = scope["path"].startswith(SIGNED_PREFIX)
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reply_too_large(send, interaction_id, sign)
            return
        state = {"seen": 0, "too_large": False, "started": False}

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["seen"] += len(message.get("body", b""))
                if state["seen"] > self.max_bytes:
                    state["too_large"] = True
                    return {"type": "http.disconnect"}
            return message

        start: Message = {}
        chunks: list[bytes] = []

        async def edge_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                state["started"] = True
                start = message
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._emit(send, start, b"".join(chunks), interaction_id, sign)
                return
            await send(message)

        await self.app(scope, limited_receive, edge_send)
        if state["too_large"] and not state["started"]:
            await self._reply_too_large(send, interaction_id, sign)

    async def _emit(self, send: Send, start: Message, body: bytes, interaction_id: str,
                    sign: bool) -> None:
        headers = [(k, v) for k, v in start.get("headers", [])
                   if k.lower() not in (b"content-length", b"x-fapi-interaction-id")]
        headers.append((b"content-length", str(len(body)).encode()))
        headers.append((b"x-fapi-interaction-id", interaction_id.encode()))
        if sign and body:
            signature = self.key.sign_detached(body, self.issuer, self.issuer)
            headers.append((b"x-jws-signature", signature.encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _reply_too_large(self, send: Send, interaction_id: str, sign: bool) -> None:
        body = json.dumps(ob_error_body(
            "payload_too_large", "UK.OBIE.Field.Invalid",
            f"Request bodies are at most {self.max_bytes} bytes.")).encode()
        start = {"type": "http.response.start", "status": 400,
                 "headers": [(b"content-type", b"application/json")]}
        await self._emit(send, start, body, interaction_id, sign)
