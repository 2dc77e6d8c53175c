"""One user, a real bank, real Chromium: link Northbank from the privacy centre through the
bank's own pages, ask the assistant about money, see each read in the access log, disconnect."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.actors import sign_up_in_context, sign_up_in_ui
from tests.browser.conftest import MOBILE, Pages, screenshot
from tests.contract.tpp import SANDBOX_PASSWORD
from tests.support.api import PASSWORD, unique_handle
from tests.support.stack import Stack

pytestmark = pytest.mark.browser


def ask_assistant(page: Page, question: str) -> None:
    page.fill("#composer-input", question)
    page.keyboard.press("Enter")


def latest_reply(page: Page) -> object:
    return page.locator('#messages .card[data-kind="assistant.reply"]').last


def link_northbank(page: Page, stack: Stack, decision: str = "approve") -> None:
    """From the privacy centre through Northbank's pages as alice, and back."""
    bank_url = stack.banks["northbank"].url
    page.click("#open-privacy")
    expect(page.locator("#privacy-centre")).to_be_visible()
    expect(page.locator('#linked-banks .link-item[data-status="active"]')).to_have_count(0)
    expect(page.locator("#link-bank")).to_have_value("northbank")
    expect(page.get_by_label("Answer my questions about my accounts")).to_be_checked()
    page.click("#link-bank-submit")
    page.wait_for_url(re.compile(re.escape(bank_url)))
    page.fill("input[name=login]", "alice")
    page.fill("input[name=password]", SANDBOX_PASSWORD)
    page.click("button[type=submit]")
    code = page.text_content("#sandbox-code") or ""
    page.fill("input[name=code]", code.strip())
    page.click("button[type=submit]")
    page.wait_for_url(f"{bank_url}/consent")
    if decision == "approve":
        screenshot(page, "bank-link-consent")
    page.click(f"button[value={decision}]")
    page.wait_for_url(re.compile(r"#/privacy$"))


def test_link_ask_audit_and_disconnect(bank_stack: Stack, browser: Browser) -> None:
    pages = Pages(browser)
    try:
        page = pages.new()
        sign_up_in_ui(page, bank_stack.platform_url, unique_handle("p"), "Pat Privacy")
        expect(page.locator("#open-privacy")).to_be_visible()
        page.click("#open-privacy")
        expect(page.locator("#linked-banks")).to_contain_text("No banks linked yet")

        link_northbank(page, bank_stack, decision="refuse")
        expect(page.locator("#privacy-banner")).to_have_attribute("data-tone", "error")
        expect(page.locator("#privacy-banner")).to_contain_text("Linking did not work")
        screenshot(page, "privacy-centre-link-refused")

        link_northbank(page, bank_stack)

        banner = page.locator("#privacy-banner")
        expect(banner).to_contain_text("Northbank is now linked")
        link = page.locator('#linked-banks .link-item[data-bank-id="northbank"]')
        expect(link).to_have_attribute("data-status", "active")
        expect(link).to_contain_text("Active")
        expect(link).to_contain_text("Answer my questions about my accounts")
        expect(link).to_contain_text("Access until")
        screenshot(page, "privacy-centre-linked")

        page.click("#open-assistant")
        expect(page.locator("#thread-subtitle")).to_have_text("@assistant")
        expect(page.locator('#messages .card[data-kind="assistant.reply"]')).to_have_count(1)
        ask_assistant(page, "how much money do I have?")
        balance = latest_reply(page)
        expect(balance).to_contain_text("Source: Northbank", timeout=20_000)
        screenshot(page, "assistant-balance-card")

        ask_assistant(page, "show my Tesco transactions")
        # The welcome card, the balance, now the transactions.
        expect(page.locator('#messages .card[data-kind="assistant.reply"]')).to_have_count(
            3, timeout=20_000)
        transactions = latest_reply(page)
        expect(transactions).to_contain_text("Tesco")
        expect(transactions).to_contain_text("Source: Northbank")
        screenshot(page, "assistant-transactions-card")

        page.click("#open-privacy")
        log = page.locator("#access-log")
        expect(log).to_contain_text("read your balances at Northbank")
        expect(log).to_contain_text("read your transactions at Northbank")
        expect(banner).to_be_hidden()
        log.scroll_into_view_if_needed()
        screenshot(page, "privacy-centre-access-log")

        link.locator(".link-disconnect").click()
        page.click("#confirm-disconnect-confirm")
        expect(link).to_have_attribute("data-status", "revoked")
        expect(banner).to_contain_text("Northbank is disconnected")
        screenshot(page, "privacy-centre-disconnected")

        page.click("#open-assistant")
        expect(page.locator("#thread-subtitle")).to_have_text("@assistant")
        ask_assistant(page, "how much money do I have?")
        expect(page.locator('#messages .card[data-kind="assistant.reply"]')).to_have_count(
            4, timeout=20_000)
        refused = latest_reply(page)
        expect(refused).to_contain_text("Link a bank first")
        expect(refused.get_by_role("button", name="Link a bank")).to_be_visible()
        screenshot(page, "assistant-refused-after-disconnect")

        # On a phone the privacy centre is a page of its own, with a way back to the chats.
        page.set_viewport_size(MOBILE)
        page.goto(bank_stack.platform_url + "/#/privacy")
        expect(page.locator("#privacy-centre")).to_be_visible()
        expect(page.locator("#conversation-list")).to_be_hidden()
        expect(link).to_have_attribute("data-status", "revoked")
        screenshot(page, "privacy-centre-phone")
        with page.expect_download() as download:
            page.click("#download-data")
        exported = json.loads(Path(download.value.path()).read_text())
        assert "Pat Privacy" in json.dumps(exported)
        assert download.value.suggested_filename.endswith(".json")
        page.get_by_role("button", name="Back to chats").last.click()
        expect(page.locator("#conversation-list")).to_be_visible()

        page.click("#open-privacy")
        page.click("#delete-account")
        page.fill("#confirm-delete-account-password", "not my password")
        page.click("#confirm-delete-account-confirm")
        expect(page.locator("#privacy-banner")).to_have_attribute("data-tone", "error")
        page.click("#delete-account")
        page.fill("#confirm-delete-account-password", PASSWORD)
        page.click("#confirm-delete-account-confirm")
        expect(page.get_by_role("button", name="Create account").or_(
            page.get_by_role("button", name="Log in"))).to_be_visible()
    finally:
        pages.close()
    assert not pages.errors, pages.errors


def test_request_money_and_pay_at_the_bank(bank_stack: Stack, browser: Browser) -> None:
    bank_url = bank_stack.banks["northbank"].url
    pages = Pages(browser)
    try:
        ann = pages.new()
        sign_up_in_ui(ann, bank_stack.platform_url, unique_handle("r"), "Ann Requester")
        link_northbank(ann, bank_stack)
        ann.click("#choose-receiving")
        ann.click("#save-receiving")
        expect(ann.locator("#receiving-account")).to_contain_text("••1833")

        ben = pages.new()
        ben_user = sign_up_in_context(ben, bank_stack.platform_url, "Ben Payer")
        ann.click("#new-chat")
        ann.locator("#new-chat-search").fill(ben_user["handle"][:8])
        ann.locator(f'#new-chat-search-results [data-handle="{ben_user["handle"]}"]').click()
        expect(ann.locator("#privacy-centre")).to_be_hidden()
        ann.click("#money-button")
        ann.click("#menu-request")
        ann.fill("#request-dialog-amount", "12.50")
        ann.fill("#request-dialog-note", "concert tickets")
        ann.click("#request-dialog-submit")
        ann_card = ann.locator('#messages .card[data-kind="payment"]')
        expect(ann_card).to_have_attribute("data-status", "draft")
        expect(ann_card).to_contain_text("£12.50")

        ben.locator("#conversation-list .conv-item", has_text="Ann Requester").click()
        ben_card = ben.locator('#messages .card[data-kind="payment"]')
        expect(ben_card).to_contain_text("concert tickets")
        screenshot(ben, "payment-request-card")
        ben_card.locator('[data-action="authorise"]').click()
        ben.wait_for_url(re.compile(re.escape(bank_url)))
        ben.fill("input[name=login]", "bob")
        ben.fill("input[name=password]", SANDBOX_PASSWORD)
        ben.click("button[type=submit]")
        code = ben.text_content("#sandbox-code") or ""
        ben.fill("input[name=code]", code.strip())
        ben.click("button[type=submit]")
        expect(ben.locator("body")).to_contain_text("12.50")
        screenshot(ben, "payment-bank-approval")
        ben.click("button[value=approve]")
        ben.wait_for_url(re.compile(re.escape(bank_stack.platform_url) + "/#/"))
        ben_card = ben.locator('#messages .card[data-kind="payment"]')
        expect(ben_card).to_have_attribute("data-status", "completed", timeout=20_000)
        expect(ann_card).to_have_attribute("data-status", "completed", timeout=20_000)
        expect(ann_card).to_contain_text("Paid")
        screenshot(ann, "payment-completed-requester")
        screenshot(ben, "payment-completed-payer")

        ann.click("#open-privacy")
        expect(ann.locator("#access-log")).to_contain_text("concert tickets")
        ann.click("#revoke-all")
        ann.click("#confirm-revoke-all-confirm")
        expect(ann.locator("#privacy-banner")).to_contain_text("Disconnected 1 bank")
        expect(ann.locator('#linked-banks .link-item[data-status="active"]')).to_have_count(0)
    finally:
        pages.close()
    assert not pages.errors, pages.errors
