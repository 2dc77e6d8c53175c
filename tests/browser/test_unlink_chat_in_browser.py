"""The privacy centre's Messenger and WhatsApp section: unlinking a linked chat, in Chromium.

The chats are linked the way a person links them (the login link the chat is sent, chatbank's
own page); the platform runs with both channels on, sending to a local Graph API."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.actors import open_privacy_centre_as
from tests.browser.conftest import Pages, screenshot
from tests.channels.chats import ChatPerson, database_rows, texts_in
from tests.channels.conftest import running_channels_stack, running_graph
from tests.channels.graph_server import GraphServer
from tests.support.linking import PlatformUser
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

NOT_LINKED = "link your chatbank account"


@pytest.fixture(scope="module")
def graph() -> Iterator[GraphServer]:
    with running_graph() as server:
        yield server


@pytest.fixture(scope="module")
def channels_stack(graph: GraphServer) -> Iterator[Stack]:
    """Request it before `browser`: starting the bank runs `asyncio.run()`, which cannot run
    while Playwright's sync API holds an event loop in this thread."""
    data_dir = Path(tempfile.mkdtemp(prefix="chatbank-browser-channels-"))
    try:
        with running_channels_stack(data_dir, graph) as stack:
            yield stack
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def owner_of(stack: Stack, person: ChatPerson) -> str | None:
    """The platform user the stored chat identity answers as (None once unlinked)."""
    ((user_id,),) = database_rows(
        stack, "SELECT user_id FROM channel_identities WHERE channel = ? AND external_id = ?",
        person.channel, person.external_id)
    return None if user_id is None else str(user_id)


def test_unlinking_a_whatsapp_chat_in_the_privacy_centre_makes_the_platform_forget_it(
        channels_stack: Stack, graph: GraphServer, browser: Browser, pages: Pages) -> None:
    stack = channels_stack
    user = PlatformUser.sign_up(stack.platform_url, "Una Unwin")
    try:
        whatsapp = ChatPerson.on(stack, graph, "whatsapp")
        messenger = ChatPerson.on(stack, graph, "messenger")
        whatsapp.link_to(user)
        messenger.link_to(user)
        assert owner_of(stack, whatsapp) == owner_of(stack, messenger) == user.user["id"]

        page = pages.new()
        open_privacy_centre_as(page, stack.platform_url, user.user["handle"])
        section = page.get_by_role("region", name="Messenger and WhatsApp")
        chats = section.locator("#linked-chats .link-item")
        expect(chats).to_have_count(2)
        name = f"WhatsApp •••• {whatsapp.external_id[-4:]}"
        expect(section.locator('#linked-chats [data-channel="whatsapp"]')).to_contain_text(name)
        assert whatsapp.external_id not in (section.text_content() or "")  # masked on screen

        section.get_by_role("button", name=f"Unlink {name}").click()
        dialog = page.locator("#confirm-unlink-chat")
        expect(dialog).to_contain_text(f"Unlink {name}?")
        dialog.get_by_role("button", name="Unlink").click()
        expect(page.locator("#privacy-banner")).to_contain_text(f"{name} is unlinked.")
        expect(chats).to_have_count(1)
        expect(chats).to_have_attribute("data-channel", "messenger")
        section.scroll_into_view_if_needed()
        screenshot(page, "privacy-centre-chat-unlinked")

        linked = user.http.get("/api/v1/privacy/channels").json()["linked"]
        assert [(c["channel"], c["external_id"]) for c in linked] == [
            ("messenger", messenger.external_id)]
        assert owner_of(stack, whatsapp) is None
        assert owner_of(stack, messenger) == user.user["id"]
        # The chat itself is told to link again; the other chat still talks as the user.
        told = whatsapp.ask("what's my balance?", NOT_LINKED)
        assert "Link a bank first" not in texts_in([call.body for call in told]), told
        answer = messenger.ask("what's my balance?", "Link a bank first")  # the assistant
        assert NOT_LINKED not in texts_in([call.body for call in answer]), answer
    finally:
        user.http.close()
