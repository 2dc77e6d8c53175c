"""Issue #6's walkthrough in Chromium: link a bank through its own pages, ask the assistant for
the balance, search transactions, then "transfer £5 to Bob for lunch": confirm in the chat,
approve at the bank with SCA, and see the payment complete. A screenshot at every step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.actors import open_app_page
from tests.browser.bank_pages import approve_payment_at_bank
from tests.browser.conftest import Pages, screenshot
from tests.browser.test_bank_link_in_browser import ask_assistant, latest_reply, link_northbank
from tests.payments.flows import bank_records, ready_to_receive
from tests.support.api import PASSWORD, unique_handle
from tests.support.linking import PlatformUser
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.timeout(480)]
REPLY = '#messages .card[data-kind="assistant.reply"]'


def sign_up_with_contact(page: Page, base_url: str, contact_handle: str) -> None:
    """Sign up with the page's cookies and add a contact (set-up, not under test)."""
    made = page.request.post(base_url + "/api/v1/auth/signup", data={
        "handle": unique_handle("w"), "display_name": "Wendy Walker", "password": PASSWORD})
    assert made.status == 201, made.text()
    added = page.request.post(base_url + "/api/v1/contacts", data={"handle": contact_handle},
                              headers={"X-CSRF-Token": made.json()["csrf_token"]})
    assert added.status == 201, added.text()
    open_app_page(page, base_url)


def test_link_ask_search_and_send_money_through_the_assistant(
        bank_stack: Stack, browser: Browser) -> None:
    bob = PlatformUser.sign_up(bank_stack.platform_url, "Bob Brown")
    ready_to_receive(bank_stack, bob, "bob")
    pages = Pages(browser)
    try:
        page = pages.new()
        sign_up_with_contact(page, bank_stack.platform_url, bob.user["handle"])
        link_northbank(page, bank_stack)
        expect(page.locator("#privacy-banner")).to_contain_text("Northbank is now linked")
        screenshot(page, "walkthrough-1-linked")

        page.click("#open-assistant")
        expect(page.locator(REPLY)).to_have_count(1)  # the welcome card
        ask_assistant(page, "how much money do I have?")
        expect(latest_reply(page)).to_contain_text("Source: Northbank", timeout=20_000)
        screenshot(page, "walkthrough-2-balance")

        ask_assistant(page, "show my Tesco payments")
        expect(page.locator(REPLY)).to_have_count(3, timeout=20_000)
        expect(latest_reply(page)).to_contain_text("Tesco")
        expect(latest_reply(page)).to_contain_text("Source: Northbank")
        screenshot(page, "walkthrough-3-transactions")

        ask_assistant(page, "transfer £5 to Bob for lunch")
        expect(page.locator(REPLY)).to_have_count(4, timeout=20_000)
        confirm = page.locator(REPLY).last
        expect(confirm).to_contain_text("Send £5.00 to Bob Brown?")
        screenshot(page, "walkthrough-4-confirm")
        confirm.get_by_role("button", name="Yes").click()
        expect(page.locator(REPLY)).to_have_count(5, timeout=20_000)
        approve = page.locator(REPLY).last.get_by_role("link", name="Approve at your bank")
        with page.context.expect_page() as opened:
            approve.click()  # the bank opens in a new tab
        bank_tab = opened.value
        approve_payment_at_bank(bank_tab, bank_stack.banks["northbank"].url, "alice",
                                ("5.00", "Bob Brown"), "walkthrough-5-bank-approval")

        # Back from the bank, the tab shows the chat with Bob and its payment card.
        bank_tab.wait_for_url(re.compile(re.escape(bank_stack.platform_url) + "/#/c/"))
        card = bank_tab.locator('#messages .card[data-kind="payment"]')
        expect(card).to_have_attribute("data-status", "completed", timeout=30_000)
        expect(card).to_contain_text("£5.00")
        expect(card).to_contain_text("lunch")
        screenshot(bank_tab, "walkthrough-6-paid")
    finally:
        pages.close()
    assert not pages.errors, pages.errors
    (paid,) = bob.http.get("/api/v1/payments").json()["payments"]
    assert (paid["status"], paid["amount"]["minor"], paid["note"]) == ("completed", 500, "lunch")
    assert [status for status, _ in bank_records(bank_stack.banks["northbank"], paid["id"])] == [
        "AcceptedSettlementCompleted"]
    bob.http.close()
