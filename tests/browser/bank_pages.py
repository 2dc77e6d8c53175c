"""The payer at their bank's own pages in Chromium: sign in, SCA with the sandbox code, approve."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.contract.tpp import SANDBOX_PASSWORD


def approve_payment_at_bank(page: Page, bank_url: str, login: str, shows: tuple[str, ...],
                            screenshot_name: str) -> None:
    """Sign in as `login`, pass SCA, check the consent page `shows` the payment, approve it."""
    page.wait_for_url(re.compile(re.escape(bank_url)))
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", SANDBOX_PASSWORD)
    page.click("button[type=submit]")
    code = page.text_content("#sandbox-code") or ""
    page.fill("input[name=code]", code.strip())
    page.click("button[type=submit]")
    for text in shows:
        expect(page.locator("body")).to_contain_text(text)
    screenshot(page, screenshot_name)
    page.click("button[value=approve]")
