"""An open page survives a server restart: it resumes from its cursors and loses nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.actors import ApiUser, sign_up_in_context
from tests.browser.conftest import Pages, PlatformProcess, screenshot

# Generous: starting `chatbank serve` alone has taken over a minute on a loaded machine.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(480)]


def thread_state(page: Page) -> tuple[list[str], list[int]]:
    texts = page.locator("#messages .msg .msg-text").all_inner_texts()
    seqs = [int(s) for s in page.locator("#messages .msg").evaluate_all(
        "els => els.map(e => e.dataset.seq)")]
    return texts, seqs


def test_page_shows_every_message_once_and_in_order_after_the_server_restarts(
        platform: PlatformProcess, pages: Pages,
        api_user: Callable[[str], ApiUser]) -> None:
    bob_page = pages.new()
    bob = sign_up_in_context(bob_page, platform.url, "Bob Brown")
    alice = api_user("Alice Adams")
    conversation_id = alice.direct_with(bob["id"])
    alice.send(conversation_id, "before the restart")
    bob_page.locator("#conversation-list .conv-item", has_text="Alice Adams").click()
    expect(bob_page.locator("#messages .msg-text")).to_have_text(["before the restart"])

    platform.kill()  # a crash, not a polite shutdown
    expect(bob_page.locator("#connection-status")).to_have_attribute("data-state", "offline")
    composer = bob_page.get_by_label("Message", exact=True)
    composer.fill("typed while offline")
    composer.press("Enter")
    expect(bob_page.locator('#messages .msg.mine[data-status="pending"]')).to_have_count(1)
    screenshot(bob_page, "08-offline-with-pending-message")

    platform.start()
    # Sent while Bob's socket is still down (it is waiting out its backoff).
    for n in range(1, 4):
        alice.send(conversation_id, f"while away {n}")
    expect(bob_page.locator("#connection-status")).to_have_attribute("data-state", "online",
                                                                      timeout=20_000)
    for n in range(1, 3):
        alice.send(conversation_id, f"live {n}")

    expect(bob_page.locator("#messages .msg")).to_have_count(7)
    expect(bob_page.locator('#messages .msg.mine[data-status="pending"]')).to_have_count(0)
    texts, seqs = thread_state(bob_page)
    server_order = alice.texts(conversation_id)
    assert sorted(texts) == sorted(server_order)
    assert texts == server_order, "the page shows the server's order"
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert server_order.count("typed while offline") == 1
    assert [t for t in texts if t != "typed while offline"] == [
        "before the restart", "while away 1", "while away 2", "while away 3", "live 1", "live 2"]

    # A reload resumes from the cursors kept in localStorage and still shows each message once.
    key = f"chatbank.cursors.{bob['id']}"
    read_cursor = f"JSON.parse(localStorage.getItem('{key}') || '{{}}')['{conversation_id}']"
    for _ in range(50):  # cursors are written shortly after events arrive
        if bob_page.evaluate(read_cursor) == max(seqs):
            break
        bob_page.wait_for_timeout(100)
    assert bob_page.evaluate(read_cursor) == max(seqs)
    bob_page.reload()
    expect(bob_page.locator("#connection-status")).to_have_attribute("data-state", "online")
    bob_page.locator("#conversation-list .conv-item", has_text="Alice Adams").click()
    expect(bob_page.locator("#messages .msg")).to_have_count(7)
    assert thread_state(bob_page) == (texts, seqs)
