"""Platform instances as real processes (`chatbank serve`), and its users as API clients.

SQLite mode: one instance on its own data dir. PostgreSQL + Redis mode: several instances on
one database and one Redis, as in production.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from chatbank.chaos.message_checks import MessageHistory
from chatbank.chaos.retrying import Retrying
from chatbank.chaos.supervisor import Service

PASSWORD = "chaos-monkey-password"  # noqa: S105 - throwaway users of a throwaway platform


def build_platform(root: Path, instances: int, database_url: str | None,
                   redis_url: str | None) -> list[Service]:
    """`instances` platform services (not started) sharing the database and Redis given."""
    services = []
    (root / "platform").mkdir(parents=True, exist_ok=True)
    for number in range(1, instances + 1):
        name = f"platform-{number}"
        service = Service(name, [], root / f"{name}.log")
        service.args = ["-m", "chatbank.cli.main", "serve", "--port", str(service.port)]
        service.env = {"CHATBANK_DATA_DIR": str(root / "platform"), "CHATBANK_MODE": "test",
                       "CHATBANK_PUBLIC_URL": service.url, "CHATBANK_INSTANCE_NAME": name}
        if database_url:
            service.env["CHATBANK_DATABASE_URL"] = database_url
        if redis_url:
            service.env["CHATBANK_REDIS_URL"] = redis_url
        services.append(service)
    return services


@dataclass
class PlatformUser:
    id: str
    token: str
    http: httpx.AsyncClient

    async def close(self) -> None:
        await self.http.aclose()

    async def call(self, service: Service, method: str, path: str, retrying: Retrying,
                   body: Any = None) -> Any:
        """One API call to `service`, retried through crashes; 4xx is an error."""
        response = await retrying.run(lambda: self.http.request(
            method, f"{service.url}/api/v1{path}", json=body), f"{method} {path}")
        response.raise_for_status()
        return response.json()

    async def send(self, service: Service, conversation_id: str, client_id: str,
                   retrying: Retrying) -> dict[str, Any]:
        body = await self.call(service, "POST", f"/conversations/{conversation_id}/messages",
                               retrying, {"client_id": client_id, "text": f"chaos {client_id}"})
        return dict(body["message"])

    async def last_seq(self, service: Service, conversation_id: str, retrying: Retrying) -> int:
        body = await self.call(service, "GET", f"/conversations/{conversation_id}", retrying)
        return int(body["conversation"]["last_seq"])


async def sign_up(service: Service, retrying: Retrying) -> PlatformUser:
    handle = f"chaos{uuid.uuid4().hex[:12]}"
    http = httpx.AsyncClient(timeout=30.0)
    response = await retrying.run(lambda: http.post(
        f"{service.url}/api/v1/auth/signup",
        json={"handle": handle, "display_name": handle, "password": PASSWORD}), "sign up")
    response.raise_for_status()
    body = response.json()
    http.headers["Authorization"] = f"Bearer {body['token']}"
    return PlatformUser(str(body["user"]["id"]), str(body["token"]), http)


async def start_platform(services: list[Service], history: MessageHistory, users: int,
                         conversations: int, retrying: Retrying) -> list[PlatformUser]:
    """Start the instances one by one (the first migrates), sign up users, open groups."""
    for service in services:
        await asyncio.to_thread(service.start)
    people = [await sign_up(services[0], retrying) for _ in range(users)]
    for number in range(conversations):
        owner = people[number % len(people)]
        others = [p.id for p in people if p is not owner]
        body = await owner.call(services[0], "POST", "/conversations/group", retrying,
                                {"title": f"chaos {number}", "member_ids": others})
        conversation = body["conversation"]
        history.members[conversation["id"]] = [owner.id, *others]
        history.start_seq[conversation["id"]] = int(conversation["last_seq"])
    return people
