"""A platform user linking a bank through the bank's own pages (form posts, no browser)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from tests.contract.tpp import customer_journey
from tests.support.api import PASSWORD, unique_handle
from tests.support.stack import Stack


@dataclass
class PlatformUser:
    """A browser-like session at the platform (cookie + CSRF header) plus its bearer token."""

    http: httpx.Client
    csrf: str
    token: str
    user: dict[str, Any]

    @classmethod
    def sign_up(cls, base_url: str, name: str = "Alice Adams") -> PlatformUser:
        http = httpx.Client(base_url=base_url, timeout=30.0)
        body = http.post("/api/v1/auth/signup", json={
            "handle": unique_handle(), "display_name": name, "password": PASSWORD}).json()
        return cls(http, body["csrf_token"], body["token"], body["user"])

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(path, json=body, headers={"X-CSRF-Token": self.csrf})

    def delete(self, path: str) -> httpx.Response:
        return self.http.delete(path, headers={"X-CSRF-Token": self.csrf})

    def start_link(self, bank_id: str, purposes: list[str]) -> str:
        response = self.post("/api/v1/links", {"bank_id": bank_id, "purposes": purposes})
        assert response.status_code == 201, response.text
        return str(response.json()["authorize_url"])

    def links(self) -> list[dict[str, Any]]:
        return list(self.http.get("/api/v1/links").json()["links"])


def answer_at_bank(stack: Stack, authorize_url: str, login: str = "alice",
                   decision: str = "approve") -> dict[str, str]:
    """The customer signs in at the bank, passes SCA and answers; returns the redirect query."""
    query = parse_qs(urlparse(authorize_url).query)
    bank_url = f"{urlparse(authorize_url).scheme}://{urlparse(authorize_url).netloc}"
    return customer_journey(bank_url, query["client_id"][0], query["request_uri"][0], login,
                            decision, None, redirect_uri=f"{stack.platform_url}/connect/callback")


def finish_at_platform(user: PlatformUser, answer: dict[str, str]) -> httpx.Response:
    """The browser lands on the platform's callback; returns the redirect it answers with."""
    return user.http.get("/connect/callback", params=answer)


def link_bank(stack: Stack, user: PlatformUser, bank_id: str = "northbank",
              purposes: tuple[str, ...] = ("answer_account_questions",),
              login: str = "alice") -> dict[str, Any]:
    answer = answer_at_bank(stack, user.start_link(bank_id, list(purposes)), login)
    landed = finish_at_platform(user, answer)
    assert landed.status_code == 303 and "linked=" in landed.headers["location"], landed.headers
    return next(link for link in user.links() if link["status"] == "active")


def assistant_chat(user: PlatformUser) -> str:
    """The user's direct conversation with the assistant bot."""
    bot = user.http.get("/api/v1/users/by-handle/assistant").json()["user"]
    opened = user.post("/api/v1/conversations/direct", {"user_id": bot["id"]})
    assert opened.status_code == 201, opened.text
    return str(opened.json()["conversation"]["id"])


def ask(user: PlatformUser, conversation_id: str, text: str,
        timeout_s: float = 30.0) -> list[dict[str, Any]]:
    """Send `text` and return the assistant's replies to it (waits for the first one)."""
    import time
    import uuid

    sent = user.post(f"/api/v1/conversations/{conversation_id}/messages",
                     {"client_id": uuid.uuid4().hex, "text": text})
    assert sent.status_code == 201, sent.text
    seq = sent.json()["message"]["seq"]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page = user.http.get(f"/api/v1/conversations/{conversation_id}/messages",
                             params={"limit": 50}).json()["messages"]
        replies = [m for m in page if m["seq"] > seq and m["sender_id"] != user.user["id"]]
        if replies:
            time.sleep(0.2)  # a turn may post several replies back to back
            page = user.http.get(f"/api/v1/conversations/{conversation_id}/messages",
                                 params={"limit": 50}).json()["messages"]
            return [m for m in page if m["seq"] > seq and m["sender_id"] != user.user["id"]]
        time.sleep(0.1)
    raise AssertionError(f"no reply to {text!r} within {timeout_s} s")


# What the `new_user` fixture hands a test: sign up one more platform user.
NewUser = Callable[..., PlatformUser]
