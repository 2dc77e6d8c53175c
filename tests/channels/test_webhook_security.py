"""Webhooks are verified as the platforms specify before anything is read or stored."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from tests.channels import payloads
from tests.channels.chats import ChatPerson, database_rows, poll_rows
from tests.channels.conftest import APP_SECRET, VERIFY_TOKEN
from tests.channels.graph_server import GraphServer, deliver
from tests.support.servers import ServerProcess, free_port
from tests.support.stack import Stack


def test_the_subscription_handshake_echoes_the_challenge_only_for_our_verify_token(
        stack: Stack) -> None:
    for channel in ("messenger", "whatsapp"):
        good = httpx.get(f"{stack.platform_url}/webhooks/{channel}", params={
            "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN,
            "hub.challenge": "1158201444"})
        assert (good.status_code, good.text) == (200, "1158201444")
        bad = httpx.get(f"{stack.platform_url}/webhooks/{channel}", params={
            "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"})
        assert bad.status_code == 403
        assert bad.json()["error"]["code"] == "verification_failed"


def test_unsigned_wrongly_signed_and_tampered_deliveries_are_refused_and_nothing_is_stored(
        stack: Stack, graph: GraphServer) -> None:
    stranger = ChatPerson.on(stack, graph, "messenger")
    payload = payloads.messenger(payloads.messenger_text(stranger.external_id, "hi"))
    url = stack.platform_url
    missing = deliver(url, "messenger", payload, APP_SECRET, signature=None)
    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "signature_missing")
    wrong = deliver(url, "messenger", payload, "not-the-app-secret")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "signature_invalid")
    tampered = json.dumps({**payload, "entry": payload["entry"] * 2}).encode()
    altered = deliver(url, "messenger", payload, APP_SECRET, body=tampered)
    assert (altered.status_code, altered.json()["error"]["code"]) == (403, "signature_invalid")
    whatsapp = deliver(url, "whatsapp", payloads.whatsapp([payloads.whatsapp_text(
        "447700900999", "hi")]), "not-the-app-secret")
    assert whatsapp.status_code == 403
    # A correctly signed delivery from someone else is answered; the refused ones never were.
    other = ChatPerson.on(stack, graph, "messenger")
    other.say("hello")
    other.wait_for_text("link your chatbank account")
    assert stranger.received() == []
    assert graph.to("whatsapp", "447700900999") == []


def test_a_stranger_is_answered_with_event_received_then_one_login_link_a_minute(
        stack: Stack, graph: GraphServer) -> None:
    person = ChatPerson.on(stack, graph, "whatsapp")
    response = person.deliver(payloads.whatsapp([payloads.whatsapp_text(person.external_id,
                                                                         "hello")]))
    assert response.text == "EVENT_RECEIVED"
    person.wait_for_text("link your chatbank account")
    again = person.say("anyone there?")
    poll_rows(stack, "SELECT 1 FROM channel_inbound WHERE event_id = ? AND done", again)
    queued = database_rows(stack, "SELECT count(*) FROM channel_outbox WHERE recipient = ?",
                           person.external_id)
    assert queued == [(1,)]  # one login link a minute, not one per message


def test_reads_only_move_the_watermark_forward(stack: Stack, graph: GraphServer) -> None:
    person = ChatPerson.on(stack, graph, "messenger")
    person.say("hi")
    person.wait_for_text("link your chatbank account")
    newer, older = payloads.now_ms(), payloads.now_ms() - 60_000
    for watermark in (newer, older):
        person.deliver(payloads.messenger(payloads.messenger_read(person.external_id,
                                                                   watermark)))
    poll_rows(stack, "SELECT 1 FROM channel_inbound WHERE event_id = ? AND done",
              f"read:{person.external_id}:{older}")
    assert database_rows(stack, "SELECT read_watermark_ms FROM channel_identities "
                                "WHERE external_id = ?", person.external_id) == [(newer,)]


def test_chatbank_channels_serve_answers_the_handshake(tmp_path: Path) -> None:
    port = free_port()
    server = ServerProcess(["channels", "serve", "--port", str(port)], {
        "CHATBANK_DATA_DIR": str(tmp_path), "CHATBANK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "CHATBANK_WHATSAPP_TOKEN": "token", "CHATBANK_WHATSAPP_PHONE_NUMBER_ID": "1",
        "CHATBANK_CHANNEL_VERIFY_TOKEN": VERIFY_TOKEN}, port, tmp_path / "serve.log")
    try:
        server.start()
        answer = httpx.get(f"{server.url}/webhooks/whatsapp", params={
            "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "7"})
        assert (answer.status_code, answer.text) == (200, "7")
        off = httpx.get(f"{server.url}/webhooks/messenger", params={
            "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "7"})
        assert off.json()["error"]["code"] == "channel_not_enabled"
    finally:
        server.stop()
    assert f"http://127.0.0.1:{port}/webhooks/whatsapp" in (tmp_path / "serve.log").read_text()
