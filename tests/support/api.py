"""A small async client for the platform's public API, as an API user would write it."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import websockets

PASSWORD = "a-long-enough-password"


def unique_handle(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:12]}"


class Api:
    """One logged-in user talking to the platform with a bearer token."""

    def __init__(self, base_url: str, token: str | None = None, user: dict[str, Any] | None = None):
        self.base_url = base_url
        self.token = token
        self.user = user or {}
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=20.0)

    @property
    def id(self) -> str:
        return str(self.user["id"])

    @classmethod
    async def sign_up(cls, base_url: str, handle: str | None = None,
                      display_name: str = "Test User") -> Api:
        async with httpx.AsyncClient(base_url=base_url) as anon:
            response = await anon.post("/api/v1/auth/signup", json={
                "handle": handle or unique_handle(), "display_name": display_name,
                "password": PASSWORD})
        assert response.status_code == 201, response.text
        body = response.json()
        return cls(base_url, body["token"], body["user"])

    async def close(self) -> None:
        await self.http.aclose()

    async def call(self, method: str, path: str, body: Any = None,
                   expect: int | None = None, **params: Any) -> Any:
        response = await self.http.request(method, "/api/v1" + path, json=body,
                                           params=params or None)
        if expect is not None:
            assert response.status_code == expect, (response.status_code, response.text)
        return response.json() if response.content else None

    async def direct_with(self, other: Api) -> str:
        body = await self.call("POST", "/conversations/direct", {"user_id": other.id}, expect=201)
        return str(body["conversation"]["id"])

    async def send(self, conversation_id: str, text: str, client_id: str | None = None) -> Any:
        body = await self.call("POST", f"/conversations/{conversation_id}/messages",
                               {"client_id": client_id or uuid.uuid4().hex, "text": text})
        return body["message"]

    def socket(self) -> Any:
        ws_url = self.base_url.replace("http://", "ws://") + "/ws"
        return websockets.connect(ws_url, additional_headers={
            "Authorization": f"Bearer {self.token}"}, max_size=2**20)


async def next_frame(ws: Any, kind: str | None = None, timeout_s: float = 5.0) -> dict[str, Any]:
    """The next frame from the socket (of `type` == kind, skipping others)."""
    import asyncio

    async def read() -> dict[str, Any]:
        while True:
            frame: dict[str, Any] = json.loads(await ws.recv())
            if kind is None or frame.get("type") == kind:
                return frame

    return await asyncio.wait_for(read(), timeout_s)
