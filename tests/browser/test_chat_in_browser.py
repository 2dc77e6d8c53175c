"""Two people sign up in the web client, find each other, chat in real time and see receipts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.actors import sign_up_in_ui
from tests.browser.conftest import Pages, screenshot
from tests.support.api import unique_handle
from tests.support.servers import ServerProcess

# Generous: starting `chatbank serve` alone has taken over a minute on a loaded machine.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(480)]


def thread_texts(page: Page) -> list[str]:
    return page.locator("#messages .msg .msg-text").all_inner_texts()


def test_two_users_chat_in_real_time_and_the_sender_sees_the_read_receipt(
        platform: ServerProcess, pages: Pages) -> None:
    alice, bob = pages.new(), pages.new()
    alice_handle, bob_handle = unique_handle("alice"), unique_handle("bob")

    alice.goto(platform.url + "/")
    expect(alice.get_by_role("button", name="Log in")).to_be_visible()
    screenshot(alice, "01-login")
    alice.get_by_role("tab", name="Sign up").click()
    alice.get_by_label("Handle").fill(alice_handle)
    alice.get_by_label("Your name").fill("Alice Adams")
    alice.get_by_label("Password").fill("short")
    alice.get_by_role("button", name="Create account").click()
    expect(alice.locator("#auth-error")).to_contain_text("characters long")

    sign_up_in_ui(alice, platform.url, alice_handle, "Alice Adams")
    sign_up_in_ui(bob, platform.url, bob_handle, "Bob Brown")

    alice.get_by_role("button", name="New chat").click()
    alice.locator("#new-chat-search").fill(bob_handle[:8])
    alice.locator(f'#new-chat-search-results [data-handle="{bob_handle}"]').click()
    expect(alice.locator("#thread-title")).to_have_text("Bob Brown")

    composer = alice.get_by_label("Message", exact=True)
    composer.fill("Hello Bob")
    composer.press("Enter")
    composer.type("first line")
    composer.press("Shift+Enter")
    composer.type("second line")
    composer.press("Enter")
    expect(alice.locator("#messages .msg.mine")).to_have_count(2)
    # Bob's page is open (not on this chat): his client acknowledges delivery.
    expect(alice.locator("#messages .msg.mine").last).to_have_attribute("data-status", "delivered")

    bob_row = bob.locator("#conversation-list .conv-item", has_text="Alice Adams")
    expect(bob_row.locator(".badge")).to_have_text("2")
    expect(bob_row.locator(".conv-preview")).to_contain_text("second line")
    screenshot(bob, "02-conversation-list")

    bob_row.click()
    expect(bob.locator("#messages .msg.theirs")).to_have_count(2)
    assert thread_texts(bob) == ["Hello Bob", "first line\nsecond line"]
    expect(alice.locator("#messages .msg.mine").last).to_have_attribute("data-status", "read")
    expect(bob_row.locator(".badge")).to_have_count(0)

    bob.get_by_label("Message", exact=True).type("Hi Alice")
    expect(alice.locator("#typing-indicator")).to_contain_text("Bob is typing")
    bob.get_by_label("Message", exact=True).press("Enter")
    expect(alice.locator("#messages .msg.theirs .msg-text")).to_have_text(["Hi Alice"])
    expect(bob.locator("#messages .msg.mine")).to_have_attribute("data-status", "read")
    assert thread_texts(alice) == ["Hello Bob", "first line\nsecond line", "Hi Alice"]

    # Reply and react from Alice's side; Bob sees both live.
    alice.locator("#messages .msg.theirs").hover()
    alice.locator("#messages .msg.theirs").get_by_role("button", name="Reply").click()
    composer.type("Glad you made it")
    composer.press("Enter")
    alice.locator("#messages .msg.theirs").hover()
    alice.locator("#messages .msg.theirs").get_by_role("button", name="React", exact=True).click()
    alice.get_by_role("button", name="React 👍").click()
    last_on_bob = bob.locator("#messages .msg.theirs").last
    expect(last_on_bob.locator(".quote")).to_contain_text("Hi Alice")
    expect(bob.locator("#messages .msg.mine .reaction")).to_contain_text("👍")
    expect(alice.locator("#messages .msg.mine").last).to_have_attribute(
        "data-status", re.compile("read"))
    alice.mouse.move(5, 5)
    screenshot(alice, "03-thread-with-receipts")

    # Edit the reply, delete the first message: Bob sees both markers.
    mine = alice.locator("#messages .msg.mine")
    mine.last.hover()
    mine.last.get_by_role("button", name="Edit").click()
    composer.fill("Glad you made it!")
    composer.press("Enter")
    alice.once("dialog", lambda dialog: dialog.accept())
    mine.first.hover()
    mine.first.get_by_role("button", name="Delete").click()
    on_bob = bob.locator("#messages .msg.theirs")
    expect(on_bob.last.locator(".msg-text")).to_have_text("Glad you made it!")
    expect(on_bob.last.locator(".edited")).to_be_visible()
    expect(on_bob.first).to_contain_text("This message was deleted")
