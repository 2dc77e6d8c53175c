"""A person in a Messenger or WhatsApp chat with chatbank, driven through signed webhooks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx

from tests.channels import payloads
from tests.channels.conftest import APP_SECRET
from tests.channels.graph_server import Call, GraphServer, deliver
from tests.support.api import PASSWORD
from tests.support.linking import PlatformUser
from tests.support.stack import Stack

_numbers = itertools.count(447700900001)


def texts_in(body: Any) -> str:
    """Every piece of text a person would read in a sent message, joined by newlines."""
    found: list[str] = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key in ("text", "body", "title", "display_text") and isinstance(value, str):
                found.append(value)
            else:
                found.append(texts_in(value))
    elif isinstance(body, list):
        found += [texts_in(item) for item in body]
    return "\n".join(part for part in found if part)


def urls_in(body: Any) -> list[str]:
    if isinstance(body, dict):
        return [v for k, v in body.items() if k == "url" and isinstance(v, str)] + [
            url for v in body.values() for url in urls_in(v)]
    if isinstance(body, list):
        return [url for item in body for url in urls_in(item)]
    return []


@dataclass
class ChatPerson:
    stack: Stack
    graph: GraphServer
    channel: str  # "messenger" | "whatsapp"
    external_id: str

    @classmethod
    def on(cls, stack: Stack, graph: GraphServer, channel: str) -> ChatPerson:
        external = (str(next(_numbers)) if channel == "whatsapp"
                    else str(next(_numbers) * 7))  # a page-scoped id
        return cls(stack, graph, channel, external)

    def deliver(self, payload: dict[str, Any]) -> httpx.Response:
        response = deliver(self.stack.platform_url, self.channel, payload, APP_SECRET)
        assert response.status_code == 200, response.text
        return response

    def say(self, text: str) -> str:
        """Write `text` in the chat; returns the platform's message id."""
        if self.channel == "messenger":
            event = payloads.messenger_text(self.external_id, text)
            self.deliver(payloads.messenger(event))
            return str(event["message"]["mid"])
        message = payloads.whatsapp_text(self.external_id, text)
        self.deliver(payloads.whatsapp([message]))
        return str(message["id"])

    def tap(self, reply: str, title: str) -> None:
        """Tap a button (Messenger postback / WhatsApp reply button)."""
        if self.channel == "messenger":
            self.deliver(payloads.messenger(payloads.messenger_postback(
                self.external_id, title, reply)))
        else:
            self.deliver(payloads.whatsapp([payloads.whatsapp_button_reply(
                self.external_id, reply, title)]))

    def ask(self, text: str, expected: str) -> list[Call]:
        """Say `text` and return what was sent back, up to a message containing `expected`."""
        seen = len(self.received())
        self.say(text)
        return self.wait_for_text(expected, seen)

    def press(self, reply: str, title: str, expected: str) -> list[Call]:
        """Tap a button and return what was sent back, up to a message containing `expected`."""
        seen = len(self.received())
        self.tap(reply, title)
        return self.wait_for_text(expected, seen)

    def received(self) -> list[Call]:
        return self.graph.to(self.channel, self.external_id)

    def wait_for_text(self, wanted: str, after: int = 0, timeout_s: float = 60.0) -> list[Call]:
        """Wait until a message sent after the first `after` ones contains `wanted`."""
        return self.graph.wait_for(self.channel, self.external_id, lambda calls: any(
            wanted in texts_in(call.body) for call in calls[after:]), timeout_s)[after:]

    def link_to(self, user: PlatformUser) -> None:
        """The account-linking pattern: the login URL in the chat, chatbank's page, linked."""
        before = len(self.received())
        self.say("hi")
        prompt = self.wait_for_text("link your chatbank account", before)
        (url,) = [u for call in prompt for u in urls_in(call.body)]
        token = parse_qs(urlparse(url).query)["token"][0]
        page = user.http.get(urlparse(url).path, params={"token": token})
        assert page.status_code == 200 and "password" in page.text, page.text
        shown = "Messenger chat" if self.channel == "messenger" else self.external_id[-4:]
        assert shown in page.text, page.text
        form = {"token": token, "handle": user.user["handle"], "password": PASSWORD}
        linked = httpx.post(f"{self.stack.platform_url}/channels/link", data=form, timeout=30)
        assert linked.status_code == 200 and "Linked" in linked.text, linked.text
        again = httpx.post(f"{self.stack.platform_url}/channels/link", data=form, timeout=30)
        assert again.status_code == 400 and "expired or was used" in again.text, again.text
        self.wait_for_text("Linked to chatbank as", before)


def database_rows(stack: Stack, sql: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows from the platform's SQLite database (to see what the platform stored)."""
    import sqlite3

    path = stack.settings.resolved_database_url.split(":///", 1)[1]
    with sqlite3.connect(path, timeout=30) as db:
        return list(db.execute(sql, params))


def poll_rows(stack: Stack, sql: str, *params: object, timeout_s: float = 30.0
              ) -> list[tuple[Any, ...]]:
    """Wait until the query returns rows, then return them."""
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        rows = database_rows(stack, sql, *params)
        if rows:
            return rows
        time.sleep(0.05)
    raise AssertionError(f"no rows for {sql!r} {params} in {timeout_s} s")
