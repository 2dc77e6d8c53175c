"""The privacy centre's Messenger and WhatsApp section: choosing masked amounts, in Chromium."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.actors import ApiUser, open_privacy_centre_as
from tests.browser.conftest import Pages, PlatformProcess, screenshot

# Generous: starting `chatbank serve` alone has taken over a minute on a loaded machine.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(480)]

LABEL = "Show only masked amounts (£•••.••) on Messenger and WhatsApp"


def masked_amounts(user: ApiUser) -> bool:
    return bool(user.call("GET", "/privacy/channels")["masked_amounts"])


def test_ticking_masked_amounts_in_the_privacy_centre_saves_it_and_unticking_turns_it_off(
        platform: PlatformProcess, pages: Pages,
        api_user: Callable[[str], ApiUser]) -> None:
    dana = api_user("Dana Doyle")
    page = pages.new()
    open_privacy_centre_as(page, platform.url, dana.user["handle"])
    section = page.get_by_role("region", name="Messenger and WhatsApp")
    box = section.get_by_label(LABEL)
    expect(box).not_to_be_checked()
    expect(section.locator("#linked-chats")).to_contain_text("No Messenger or WhatsApp chats")
    assert not masked_amounts(dana)

    box.check()
    expect(page.locator("#privacy-banner")).to_contain_text("only masked amounts")
    assert masked_amounts(dana)
    section.scroll_into_view_if_needed()
    screenshot(page, "privacy-centre-masked-amounts")

    page.reload()
    expect(page.locator("#privacy-centre")).to_be_visible()
    expect(page.get_by_label(LABEL)).to_be_checked()

    page.get_by_label(LABEL).uncheck()
    expect(page.locator("#privacy-banner")).to_contain_text("in full again")
    assert not masked_amounts(dana)
