"""Send API clients over httpx: Messenger (`/me/messages`) and WhatsApp (`/{phone id}/messages`).

Graph API errors come back as `{"error": {"message", "type", "code", "error_subcode",
"fbtrace_id"}}`; they become `SendFailure(code, http_status, message)` for the outbox to judge.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from chatbank.channels.model import SendFailure

log = logging.getLogger("chatbank.channels")
TIMEOUT_S = 10.0


async def _post(client: httpx.AsyncClient, url: str, body: dict[str, Any],
                token: str) -> dict[str, Any]:
    try:
        response = await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    except httpx.HTTPError as failure:
        raise SendFailure(0, 0, type(failure).__name__) from None
    try:
        data = response.json()
    except ValueError:
        data = {}
    if response.status_code >= 400 or "error" in data:
        error = data.get("error") or {}
        code = int(error.get("code") or 0)
        log.info("event=channel_send_failed status=%s code=%s", response.status_code, code)
        raise SendFailure(code, response.status_code, str(error.get("message") or "")[:200])
    return dict(data)


class MessengerSendApi:
    """`POST {graph}/me/messages` with the page access token."""

    def __init__(self, graph_url: str, page_token: str,
                 client: httpx.AsyncClient | None = None) -> None:
        self.url = f"{graph_url.rstrip('/')}/me/messages"
        self.token = page_token
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT_S)

    async def send(self, recipient: str, message: dict[str, Any]) -> str:
        body = {"recipient": {"id": recipient}, **message}
        if "message" in message:
            body.setdefault("messaging_type", "RESPONSE")
        data = await _post(self.client, self.url, body, self.token)
        return str(data.get("message_id") or "")

    async def close(self) -> None:
        await self.client.aclose()


class WhatsAppCloudApi:
    """`POST {graph}/{phone number id}/messages` with the system user's access token."""

    def __init__(self, graph_url: str, phone_number_id: str, token: str,
                 client: httpx.AsyncClient | None = None) -> None:
        self.url = f"{graph_url.rstrip('/')}/{phone_number_id}/messages"
        self.token = token
        self.client = client or httpx.AsyncClient(timeout=TIMEOUT_S)

    async def send(self, recipient: str, message: dict[str, Any]) -> str:
        body = {"messaging_product": "whatsapp", "recipient_type": "individual",
                "to": recipient, **message}
        data = await _post(self.client, self.url, body, self.token)
        sent = data.get("messages") or [{}]
        return str(sent[0].get("id") or "")

    async def close(self) -> None:
        await self.client.aclose()
