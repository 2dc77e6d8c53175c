"""Two people in two Chromium contexts, at two banks: Ann (paid at Eastbank) requests money in
their 1:1 chat, Ben pays it from Northbank with SCA at his bank, and both cards move live
through pending (the scheme is down) to completed (it is back and settles), never reloaded."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.actors import open_app_page, sign_up_in_context
from tests.browser.bank_pages import approve_payment_at_bank
from tests.browser.conftest import Pages, screenshot
from tests.payments.flows import bank_records, direct_chat
from tests.payments.interbank import interbank_stack, receive_at_eastbank
from tests.scheme.clearing import Clearing
from tests.support.linking import PlatformUser
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.timeout(480)]
CARD = '#messages .card[data-kind="payment"]'
RECEIPT = '#messages .card[data-kind="payment.receipt"]'


@pytest.fixture(scope="module")
def interbank() -> Iterator[tuple[Stack, Clearing]]:
    """Northbank, Eastbank, the scheme and a platform (requested before `browser`)."""
    root = Path(tempfile.mkdtemp(prefix="chatbank-browser-interbank-"))
    try:
        with interbank_stack(root) as running:
            yield running
    finally:
        shutil.rmtree(root, ignore_errors=True)


def signed_in_page(pages: Pages, user: PlatformUser, base_url: str, route: str) -> Page:
    """A browser context carrying `user`'s session cookie, opened at `route`."""
    page = pages.new()
    page.context.add_cookies([{"name": name, "value": value, "url": base_url}
                              for name, value in user.http.cookies.items()])
    open_app_page(page, base_url, route)
    return page


def test_a_request_paid_from_another_bank_moves_live_to_completed_on_both_screens(
        interbank: tuple[Stack, Clearing], browser: Browser) -> None:
    stack, clearing = interbank
    ann = PlatformUser.sign_up(stack.platform_url, "Ann Requester")
    receive_at_eastbank(stack, ann)
    pages = Pages(browser)
    try:
        ben = pages.new()
        ben_user = sign_up_in_context(ben, stack.platform_url, "Ben Payer")
        chat = direct_chat(ann, PlatformUser(ann.http, ann.csrf, ann.token, ben_user))
        ann_page = signed_in_page(pages, ann, stack.platform_url, f"#/c/{chat}")
        ann_page.click("#money-button")
        ann_page.click("#menu-request")
        ann_page.fill("#request-dialog-amount", "18.40")
        ann_page.fill("#request-dialog-note", "festival tickets")
        ann_page.click("#request-dialog-submit")
        ann_card = ann_page.locator(CARD)
        expect(ann_card).to_have_attribute("data-status", "draft")

        ben.locator("#conversation-list .conv-item", has_text="Ann Requester").click()
        ben_card = ben.locator(CARD)
        expect(ben_card).to_contain_text("festival tickets")
        expect(ben_card).to_contain_text("£18.40")
        screenshot(ben, "p2p-1-request")
        clearing.stop_scheme()  # the money is held at Northbank until the scheme settles
        ben_card.locator('[data-action="authorise"]').click()
        # Ben has linked no bank, so the platform asks which bank he pays from.
        expect(ben.locator("#choose-bank")).to_be_visible()
        screenshot(ben, "p2p-2-choose-bank")
        ben.locator('#choose-bank [data-bank-id="northbank"]').click()
        approve_payment_at_bank(ben, stack.banks["northbank"].url, "alice", ("18.40",),
                                "p2p-2-bank-approval")
        ben.wait_for_url(re.compile(re.escape(stack.platform_url) + "/#/"))
        ben_card = ben.locator(CARD)
        for card in (ben_card, ann_card):
            expect(card).to_have_attribute("data-status", "pending", timeout=20_000)
            expect(card).to_contain_text("Processing")
        screenshot(ann_page, "p2p-3-pending-requester")
        screenshot(ben, "p2p-3-pending-payer")

        clearing.start_scheme()
        for card in (ben_card, ann_card):
            expect(card).to_have_attribute("data-status", "completed", timeout=60_000)
            expect(card).to_contain_text("Paid")
        for page in (ben, ann_page):  # the receipt arrives live on both screens
            receipt = page.locator(RECEIPT)
            expect(receipt).to_have_count(1)
            expect(receipt.locator(".card-amount")).to_have_text("£18.40")
            expect(receipt.locator('[data-field="payer"]')).to_have_text("Ben Payer")
            expect(receipt.locator('[data-field="payee"]')).to_have_text(
                re.compile(r"^Ann Requester ••\d{4}$"))
            expect(receipt.locator('[data-field="reference"]')).not_to_be_empty()
        screenshot(ann_page, "p2p-4-completed-requester")
        screenshot(ben, "p2p-4-completed-payer")
        (paid,) = ann.http.get("/api/v1/payments").json()["payments"]
    finally:
        pages.close()
        if clearing.scheme is None:
            clearing.start_scheme()
        ann.http.close()
    assert not pages.errors, pages.errors
    assert (paid["status"], paid["amount"]["minor"]) == ("completed", 1840)
    (record,) = bank_records(stack.banks["northbank"], paid["id"])
    assert record[0] == "AcceptedSettlementCompleted" and record[1] is not None
    assert clearing.state_of(clearing.payment_id(record[1])) == "settled"
    assert clearing.east.credits_for(clearing.payment_id(record[1])) == 1
    clearing.assert_conserved()
