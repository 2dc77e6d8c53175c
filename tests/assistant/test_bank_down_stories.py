"""A bank that stops answering: the assistant says which bank and why, and recovers nothing
from guesswork. This module runs its own bank, which the story stops."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from chatbank.web.app import create_app
from tests.assistant.story_steps import Chat, assert_sourced, rows
from tests.conftest import platform_settings
from tests.contract.banks import running_bank
from tests.support.linking import PlatformUser, link_bank
from tests.support.servers import ServerThread
from tests.support.stack import Stack, register_platform_at


@pytest.fixture(scope="module")
def fragile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, ExitStack]]:
    """A platform and a Northbank whose server the story can stop (the second ExitStack)."""
    data_dir = tmp_path_factory.mktemp("fragile")
    with ExitStack() as platform_side, ExitStack() as bank_side:
        (data_dir / "northbank").mkdir()
        bank = bank_side.enter_context(running_bank(data_dir / "northbank"))
        (data_dir / "platform").mkdir()
        probe = platform_settings(data_dir / "platform")
        entry = register_platform_at(bank, f"{probe.public_url}/connect/callback")
        settings = probe.model_copy(update={"banks": json.dumps([entry])})
        server = ServerThread(create_app(settings),
                              port=int(probe.public_url.rsplit(":", 1)[1])).start()
        platform_side.callback(server.stop)
        yield Stack(server.url, settings, {"northbank": bank}, server), bank_side


def test_a_bank_that_is_down_is_named_and_nothing_is_made_up(
        fragile: tuple[Stack, ExitStack]) -> None:
    stack, bank_side = fragile
    user = PlatformUser.sign_up(stack.platform_url)
    try:
        link_bank(stack, user, purposes=("answer_account_questions", "card_controls"))
        chat = Chat.open(user)
        assert_sourced(chat.card("show my Tesco transactions"))
        bank_side.close()  # Northbank's server stops
        shown = chat.card("show my transactions last week")
        assert shown["title"] == "Your bank couldn't answer"
        assert shown["state"] == "warning"
        assert rows(shown)["Northbank"] == "unavailable"
        assert shown["source"].startswith("Source: Northbank (no answer)")
        assert shown["buttons"][0]["label"] == "Try again"
        upcoming = chat.card("what payments are coming up?")
        assert upcoming["title"] == "Your bank couldn't answer"
        assert chat.card("freeze my debit card")["title"] == "Your bank couldn't answer"
        assert chat.card("move £10 to my savings")["title"] == "Your bank couldn't answer"
        assert chat.card("who can see my data?")["title"] == "Who can see your bank data"
        assert [lnk["status"] for lnk in user.links()] == ["active"]
    finally:
        user.http.close()
