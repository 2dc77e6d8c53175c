"""User A's objects are out of reach of user B, over every route that takes an object id.

Alice (linked to Northbank) and Bob (receiving account linked) share a chat holding a
message, a reaction, a payment from Alice and a request from Bob. Mallory, signed up but in
none of it, then calls every id-bearing route of the running app with their real ids and a
valid body: each must answer 403 or 404 with a code, and nothing of Alice's or Bob's changes.
The route list is read from the app, so a new route with an id fails here until it is covered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.payments.flows import direct_chat, ready_to_receive
from tests.security.routes import http_routes, running_app
from tests.support.linking import PlatformUser, link_bank
from tests.support.stack import Stack

# Routes with an id that is not a user's object: signed channel webhooks (tests/channels) and
# the public handle directory (it answers for anyone, by design).
NOT_OBJECT_ROUTES = {("GET", "/webhooks/{channel}"), ("POST", "/webhooks/{channel}"),
                     ("GET", "/api/v1/users/by-handle/{handle}")}
# Routes whose id names an entry of the caller's own list: Mallory can only touch Mallory's.
CALLER_SCOPED = {("DELETE", "/api/v1/contacts/{user_id}"), ("DELETE", "/api/v1/blocks/{user_id}"),
                 ("DELETE", "/api/v1/privacy/channels/{channel}/{external_id}")}
BODIES: dict[tuple[str, str], Any] = {
    ("PATCH", "/api/v1/conversations/{conversation_id}"): {"title": "mallory was here"},
    ("POST", "/api/v1/conversations/{conversation_id}/members"): {"user_ids": ["{mallory}"]},
    ("PATCH", "/api/v1/conversations/{conversation_id}/members/{user_id}"): {"role": "admin"},
    ("POST", "/api/v1/conversations/{conversation_id}/messages"): {
        "client_id": "mallory-1", "text": "hello from outside"},
    ("POST", "/api/v1/conversations/{conversation_id}/read"): {"seq": 1},
    ("PATCH", "/api/v1/messages/{message_id}"): {"text": "edited by mallory"},
    ("POST", "/api/v1/messages/{message_id}/reactions"): {"emoji": "👎"},
    ("POST", "/api/v1/payments/{payment_id}/authorise"): {"bank_id": "northbank"},
}


@dataclass
class World:
    alice: PlatformUser
    bob: PlatformUser
    mallory: PlatformUser
    ids: dict[str, str]

    def snapshot(self) -> list[Any]:
        """Everything Mallory might try to change, as Alice and Bob see it."""
        chat, a, b = self.ids["conversation_id"], self.alice.http, self.bob.http
        return [a.get(f"/api/v1/conversations/{chat}").json(),
                a.get(f"/api/v1/conversations/{chat}/messages").json(),
                a.get(f"/api/v1/payments/{self.ids['payment_id']}").json(),
                b.get(f"/api/v1/payments/{self.ids['request_id']}").json(),
                a.get("/api/v1/links").json(), a.get("/api/v1/contacts").json(),
                a.get("/api/v1/privacy/access-log").json()["entries"][:1]]


@pytest.fixture(scope="module")
def world(stack: Stack) -> Iterator[World]:
    alice, bob, mallory = (PlatformUser.sign_up(stack.platform_url, name)
                           for name in ("Alice Adams", "Bob Brown", "Mallory Moss"))
    link = link_bank(stack, alice, purposes=("answer_account_questions",
                                             "make_payments_i_ask_for"))
    ready_to_receive(stack, bob, "bob")
    chat = direct_chat(alice, bob)
    message = alice.post(f"/api/v1/conversations/{chat}/messages",
                         {"client_id": "a-1", "text": "dinner?"}).json()["message"]
    assert alice.post(f"/api/v1/messages/{message['id']}/reactions",
                      {"emoji": "👍"}).status_code == 204
    assert alice.post("/api/v1/contacts", {"handle": bob.user["handle"]}).status_code == 201
    paid = alice.post("/api/v1/payments", {"conversation_id": chat, "amount": "4.20",
                                           "payee_id": bob.user["id"], "client_id": "p-1"})
    asked = bob.post("/api/v1/payments/requests", {"conversation_id": chat, "amount": "3.00",
                                                   "payer_id": alice.user["id"]})
    assert paid.status_code == asked.status_code == 201, (paid.text, asked.text)
    ids = {"conversation_id": chat, "message_id": message["id"], "emoji": "👍",
           "user_id": bob.user["id"], "link_id": link["id"],
           "payment_id": paid.json()["payment"]["id"],
           "request_id": asked.json()["payment"]["id"], "channel": "telegram",
           "external_id": alice.user["id"], "mallory": mallory.user["id"]}
    yield World(alice, bob, mallory, ids)
    for user in (alice, bob, mallory):
        user.http.close()


def filled(template: Any, ids: dict[str, str]) -> Any:
    if isinstance(template, str):
        for name, value in ids.items():
            template = template.replace(f"{{{name}}}", value)
        return template
    if isinstance(template, dict):
        return {key: filled(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [filled(value, ids) for value in template]
    return template


def test_an_outsider_gets_403_or_404_on_every_id_route_and_changes_nothing(
        stack: Stack, world: World) -> None:
    routes = sorted(r for r in http_routes(running_app(stack))
                    if "{" in r[1] and r not in NOT_OBJECT_ROUTES)
    unknown = [path for _, path in routes
               if "{" in filled(path, world.ids)]
    assert not unknown, f"id-bearing routes without an object in this test: {unknown}"
    before = world.snapshot()
    answers = {}
    for method, path in routes:
        body = filled(BODIES.get((method, path)), world.ids)
        response = world.mallory.http.request(
            method, filled(path, world.ids), json=body,
            headers={"X-CSRF-Token": world.mallory.csrf})
        answers[(method, path)] = (response.status_code,
                                   response.json()["error"]["code"] if response.content else "")
    refused = {route: answer for route, answer in answers.items()
               if answer[0] in (403, 404) or (route in CALLER_SCOPED and answer[0] < 500)}
    assert refused == answers, {r: a for r, a in answers.items() if r not in refused}
    assert world.snapshot() == before


def test_audit_log_and_export_show_only_the_callers_own_data(world: World) -> None:
    for path in ("/api/v1/privacy/access-log", "/api/v1/privacy/export"):
        seen = world.mallory.http.get(path)
        assert seen.status_code == 200
        for name in ("conversation_id", "message_id", "link_id", "payment_id", "request_id"):
            assert world.ids[name] not in seen.text, (path, name)
    own = world.alice.http.get("/api/v1/privacy/export").text
    assert [name for name in ("conversation_id", "message_id", "link_id", "payment_id")
            if world.ids[name] in own] != []


def test_a_member_cannot_edit_delete_or_pay_with_the_other_members_things(world: World) -> None:
    before = world.snapshot()
    bob, ids = world.bob, world.ids
    attempts = [bob.http.patch(f"/api/v1/messages/{ids['message_id']}", json={"text": "x"},
                               headers={"X-CSRF-Token": bob.csrf}),
                bob.delete(f"/api/v1/messages/{ids['message_id']}"),
                bob.delete(f"/api/v1/links/{ids['link_id']}"),
                bob.post(f"/api/v1/payments/{ids['payment_id']}/authorise",
                         {"bank_id": "northbank"}),
                bob.post(f"/api/v1/payments/{ids['payment_id']}/cancel")]
    assert [a.status_code for a in attempts if a.status_code not in (403, 404)] == []
    assert world.snapshot() == before
