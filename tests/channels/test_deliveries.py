"""Deliveries: each event once, in the platform's time order, replies retried with backoff."""

from __future__ import annotations

import time
from itertools import pairwise
from typing import Any

from tests.channels import payloads
from tests.channels.chats import ChatPerson, database_rows, poll_rows
from tests.channels.conftest import RETRY_BASE_MS
from tests.channels.graph_server import GraphServer
from tests.support.api import PASSWORD
from tests.support.linking import NewUser, PlatformUser, assistant_chat
from tests.support.stack import Stack


def my_texts(user: PlatformUser, wanted: int, timeout_s: float = 60.0) -> list[str]:
    """The user's own messages in their assistant chat, once there are `wanted` of them."""
    chat = assistant_chat(user)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page = user.http.get(f"/api/v1/conversations/{chat}/messages",
                             params={"limit": 100}).json()["messages"]
        mine = [m["text"] for m in page if m["sender_id"] == user.user["id"]]
        if len(mine) >= wanted:
            return mine
        time.sleep(0.1)
    raise AssertionError(f"fewer than {wanted} messages from the user in {timeout_s} s")


def test_a_redelivered_message_is_handled_once(stack: Stack, graph: GraphServer,
                                                new_user: NewUser) -> None:
    user = new_user()
    person = ChatPerson.on(stack, graph, "messenger")
    person.link_to(user)
    event = payloads.messenger_text(person.external_id, "hello there")
    for _ in range(2):
        person.deliver(payloads.messenger(event))
    person.deliver(payloads.messenger(event, event))  # twice within one batch, too
    person.say("thanks")
    assert my_texts(user, 2) == ["hello there", "thanks"]


def test_events_are_handled_in_the_platforms_time_order_and_late_statuses_never_go_back(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    person = ChatPerson.on(stack, graph, "whatsapp")
    person.link_to(user)
    now = int(time.time())
    later = payloads.whatsapp_text(person.external_id, "second", at_s=now + 2)
    earlier = payloads.whatsapp_text(person.external_id, "first", at_s=now + 1)
    person.deliver(payloads.whatsapp([later, earlier]))
    assert my_texts(user, 2) == ["first", "second"]
    wamid = person.received()[-1].answer["messages"][0]["id"]
    status = "SELECT delivery FROM channel_outbox WHERE platform_message_id = ?"
    person.deliver(payloads.whatsapp(statuses=[payloads.whatsapp_status(
        person.external_id, wamid, "read", now + 5)]))
    poll_rows(stack, status + " AND delivery = 'read'", wamid)
    person.deliver(payloads.whatsapp(statuses=[payloads.whatsapp_status(
        person.external_id, wamid, "delivered", now + 3)]))
    poll_rows(stack, "SELECT 1 FROM channel_inbound WHERE event_id = ? AND done",
              f"status:{wamid}:delivered")
    assert database_rows(stack, status, wamid) == [("read",)]


def gaps_ms(calls: list[Any]) -> list[float]:
    return [(b.at - a.at) * 1000 for a, b in pairwise(calls)]


def test_rate_limits_and_failures_of_the_send_api_are_retried_with_backoff_until_delivered(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    person = ChatPerson.on(stack, graph, "whatsapp")
    person.link_to(user)
    before = len(graph.to("whatsapp", person.external_id, delivered=False))
    graph.fail_next("whatsapp", person.external_id, (429, 130429), (400, 80007), (500, 131000))
    person.ask("hello", "")
    tries = graph.to("whatsapp", person.external_id, delivered=False)[before:before + 4]
    assert [call.status for call in tries] == [429, 400, 500, 200]
    assert len({str(call.body) for call in tries}) == 1  # the same message each time
    rate_limited, slower, transient = gaps_ms(tries)
    assert rate_limited >= RETRY_BASE_MS * 8 * 0.9
    assert slower >= RETRY_BASE_MS * 2 * 8 * 0.9
    assert transient >= RETRY_BASE_MS * 4 * 0.9
    assert transient < slower  # rate limits wait longer than other failures


def test_a_permanent_send_error_is_not_retried_and_later_replies_still_go_out(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    person = ChatPerson.on(stack, graph, "messenger")
    person.link_to(user)
    graph.fail_next("messenger", person.external_id, (400, 100))
    person.say("hello")
    failed = poll_rows(stack, "SELECT attempts, last_error FROM channel_outbox "
                              "WHERE recipient = ? AND status = 'failed'", person.external_id)
    person.ask("thanks", "")  # the next answer still goes out
    assert [(attempts, error.split(":")[0]) for attempts, error in failed] == [(1, "100/400")]
    assert database_rows(stack, "SELECT attempts FROM channel_outbox WHERE recipient = ? "
                                "AND status = 'failed'", person.external_id) == [(1,)]


def test_a_chat_whose_chatbank_account_was_deleted_is_asked_to_link_again(
        stack: Stack, graph: GraphServer, new_user: NewUser) -> None:
    user = new_user()
    person = ChatPerson.on(stack, graph, "messenger")
    person.link_to(user)
    deleted = user.post("/api/v1/privacy/delete-account", {"password": PASSWORD})
    assert deleted.status_code == 204, deleted.text
    person.ask("what's my balance?", "link your chatbank account")
    assert database_rows(stack, "SELECT user_id FROM channel_identities WHERE external_id = ?",
                         person.external_id) == [(None,)]
