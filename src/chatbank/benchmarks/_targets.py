"""Setting up users and conversations on a server under test (outside the measured path).

The platform gets real accounts and conversations through its REST API; the bare baseline
needs none, so its identities and conversation ids are made up. Everything after the set-up —
sockets, frames, counting — is the same code for both.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

SIGN_UP_CONCURRENCY = 8
PASSWORD = "benchmark-password-not-secret"  # noqa: S105 (throwaway accounts in a temp dir)


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: str
    token: str


@dataclass(frozen=True, slots=True)
class Room:
    """A conversation, its members and the sequence number it had when it was set up."""

    conversation_id: str
    members: tuple[Identity, ...]
    start_seq: int


class Target(Protocol):
    ws_url: str

    async def create_users(self, count: int) -> list[Identity]: ...

    async def create_room(self, members: Sequence[Identity]) -> Room: ...

    async def close(self) -> None: ...


class ChatbankTarget:
    """The platform: sign-ups, then direct chats (2 members) or groups through `/api/v1`."""

    def __init__(self, base_url: str) -> None:
        self.ws_url = base_url.replace("http://", "ws://") + "/ws"
        self.http = httpx.AsyncClient(base_url=base_url + "/api/v1", timeout=60.0)

    async def create_users(self, count: int) -> list[Identity]:
        limit = asyncio.Semaphore(SIGN_UP_CONCURRENCY)
        run = uuid.uuid4().hex[:8]

        async def sign_up(n: int) -> Identity:
            async with limit:
                response = await self.http.post("/auth/signup", json={
                    "handle": f"bench{run}{n}", "display_name": f"Bench {n}",
                    "password": PASSWORD})
            response.raise_for_status()
            body = response.json()
            return Identity(str(body["user"]["id"]), str(body["token"]))

        return list(await asyncio.gather(*(sign_up(n) for n in range(count))))

    async def create_room(self, members: Sequence[Identity]) -> Room:
        creator, others = members[0], [m.user_id for m in members[1:]]
        headers = {"Authorization": f"Bearer {creator.token}"}
        if len(others) == 1:
            response = await self.http.post("/conversations/direct", headers=headers,
                                            json={"user_id": others[0]})
        else:
            response = await self.http.post("/conversations/group", headers=headers,
                                            json={"title": "bench", "member_ids": others})
        response.raise_for_status()
        conversation = response.json()["conversation"]
        return Room(str(conversation["id"]), tuple(members), int(conversation["last_seq"]))

    async def close(self) -> None:
        await self.http.aclose()


class RawTarget:
    """The bare baseline: any bearer token is a user id, any string a conversation."""

    def __init__(self, base_url: str) -> None:
        self.ws_url = base_url.replace("http://", "ws://") + "/"
        self.ids = itertools.count(1)

    async def create_users(self, count: int) -> list[Identity]:
        return [Identity(f"usr{n}", f"usr{n}") for n in (next(self.ids) for _ in range(count))]

    async def create_room(self, members: Sequence[Identity]) -> Room:
        return Room(f"cnv{next(self.ids)}", tuple(members), 0)

    async def close(self) -> None:
        return None
