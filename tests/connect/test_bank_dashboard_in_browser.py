"""At the bank, in Chromium: the customer sees chatbank's access and revokes it there."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.connect.bank_side import gateway_read
from tests.contract.tpp import SANDBOX_PASSWORD
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.browser
def test_the_bank_dashboard_shows_each_use_and_a_revoke_there_stops_the_platform(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    gateway_read(stack.settings, user.user["id"])  # a use the bank records
    bank_url = stack.banks["northbank"].url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 900, "height": 1000})
        page.set_default_timeout(20_000)
        page.goto(f"{bank_url}/dashboard")
        page.fill("input[name=login]", "alice")
        page.fill("input[name=password]", SANDBOX_PASSWORD)
        page.click("button[type=submit]")
        page.fill("input[name=code]", page.text_content("#sandbox-code") or "")
        page.click("button[type=submit]")
        page.goto(f"{bank_url}/dashboard")
        row = page.locator("form", has=page.locator(
            f"input[name=consent_id][value='{link['consent_id']}']"))
        expect(page.locator("body")).to_contain_text("chatbank")
        expect(page.locator("body")).to_contain_text("See your balances")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "bank-dashboard.png"), full_page=True)
        row.locator("button").click()
        expect(page.locator("body")).to_contain_text("Revoked")
        browser.close()
    result = gateway_read(stack.settings, user.user["id"])
    assert not result.answers and result.failures[0][1].code == "bank_access_revoked"
    assert [lnk["status"] for lnk in user.links()] == ["revoked"]
