"""Cards render safely (unknown kinds as a placeholder, payloads as text); group info; mobile."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.actors import ApiUser, open_app_page, sign_up_in_context
from tests.browser.conftest import MOBILE, Pages, PlatformProcess, screenshot

# Generous: starting `chatbank serve` alone has taken over a minute on a loaded machine.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(480)]

HOSTILE = '<img src=x onerror="window.__pwned=1">'


def fake_card_event(conversation_id: str, seq: int, sender_id: str, kind: str,
                    payload: dict[str, Any]) -> dict[str, Any]:
    message = {"id": f"msg_fake{seq}", "conversation_id": conversation_id, "seq": seq,
               "sender_id": sender_id, "client_id": f"fake{seq}", "text": None,
               "card": {"kind": kind, "payload": payload}, "reply_to_id": None,
               "created_at": datetime.now(UTC).isoformat(), "edited_at": None, "deleted": False,
               "reactions": {}}
    return {"type": "event", "conversation_id": conversation_id, "seq": seq,
            "kind": "message.new", "actor_id": sender_id, "payload": message,
            "created_at": message["created_at"]}


def apply_event(page: Page, frame: dict[str, Any]) -> None:
    page.evaluate(f"window.__chatbank.applyEvent({json.dumps(frame)})")


def test_unknown_card_kind_renders_as_a_safe_placeholder_and_no_payload_html_runs(
        platform: PlatformProcess, pages: Pages,
        api_user: Callable[[str], ApiUser]) -> None:
    page = pages.new()
    bob = sign_up_in_context(page, platform.url, "Bob Brown", open_app=False)
    alice = api_user("Alice Adams")
    conversation_id = alice.direct_with(bob["id"])
    for n in range(1, 55):
        alice.send(conversation_id, f"old {n}")
    last = alice.send(conversation_id, "here are some cards")
    open_app_page(page, platform.url, "?test=1")  # history comes in pages of 50
    page.locator("#conversation-list .conv-item", has_text="Alice Adams").click()
    expect(page.locator("#messages .msg")).to_have_count(50)

    apply_event(page, fake_card_event(conversation_id, last["seq"] + 1, alice.id, "mystery_kind", {
        "title": HOSTILE, "html": HOSTILE, "rows": [{"label": HOSTILE, "value": HOSTILE}]}))
    apply_event(page, fake_card_event(conversation_id, last["seq"] + 2, alice.id, "balance", {
        "title": HOSTILE, "amount_minor": 123456, "currency": "GBP", "status": "completed",
        "rows": [{"label": "Account", "value": HOSTILE}], "buttons": [{"label": HOSTILE}]}))
    apply_event(page, fake_card_event(conversation_id, last["seq"] + 3, alice.id, "contact", {
        "handle": "carol_c", "display_name": HOSTILE}))

    apply_event(page, fake_card_event(conversation_id, last["seq"] + 4, alice.id, "payment", {
        "payment_id": "pay_fake", "kind": "request", "status": "draft",
        "amount": {"minor": 1250, "currency": "GBP", "display": "£12.50"}, "note": HOSTILE,
        "payer": {"id": bob["id"], "name": "Bob Brown", "account": None},
        "payee": {"id": alice.id, "name": "Alice Adams", "account": "••1234"},
        "reason": None, "expires_at": None, "split_id": None, "updated_at": "2026-01-01"}))
    apply_event(page, fake_card_event(conversation_id, last["seq"] + 5, alice.id,
                                      "assistant.reply", {
        "title": "Spending this week", "state": "info", "source": "From Westbank, just now",
        "rows": [{"label": "Groceries", "value": "£42.10", "detail": HOSTILE}],
        "chart": {"unit": "£", "bars": [{"label": "Mon", "value": 5}, {"label": "Tue", "value": 12},
                                       {"label": HOSTILE, "value": 7}]},
        "buttons": [{"label": "Show more", "reply": "show more", "style": "primary"}],
        "links": [{"label": "Evil", "url": "javascript:window.__pwned=1"},
                  {"label": "Privacy centre", "url": "/privacy"}]}))

    unsupported = page.locator("#messages .card-unsupported")
    expect(unsupported).to_have_count(1)
    expect(unsupported).to_contain_text("Unsupported card")
    expect(unsupported).not_to_contain_text("img")
    balance = page.locator('#messages .card[data-kind="balance"]')
    expect(balance.locator(".card-title")).to_have_text(HOSTILE)
    expect(balance.locator(".card-amount")).to_contain_text("1,234.56")
    expect(balance.locator("dd")).to_have_text(HOSTILE)
    expect(page.locator('#messages .card[data-kind="contact"] .card-sub')).to_have_text("@carol_c")
    payment = page.locator('#messages .card[data-kind="payment"]')
    expect(payment.locator(".card-amount")).to_have_text("£12.50")
    expect(payment.locator("dd").last).to_have_text(HOSTILE)
    expect(payment.get_by_role("button")).to_have_text(["Pay", "Decline"])
    reply = page.locator('#messages .card[data-kind="assistant.reply"]')
    expect(reply.locator(".card-chart rect")).to_have_count(3)
    expect(reply.locator(".row-detail")).to_have_text(HOSTILE)
    expect(reply.locator("a")).to_have_count(1)
    expect(reply.locator("a")).to_have_attribute("href", "/privacy")
    assert page.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None
    screenshot(page, "04-cards")

    page.get_by_role("button", name="Load older messages").click()
    expect(page.locator("#messages .msg")).to_have_count(60)
    expect(page.locator("#messages .msg-text").first).to_have_text("old 1")
    expect(page.get_by_role("button", name="Load older messages")).to_be_hidden()


def test_a_payment_receipt_shows_amount_people_masked_account_reference_and_time_as_text(
        platform: PlatformProcess, pages: Pages,
        api_user: Callable[[str], ApiUser]) -> None:
    page = pages.new()
    bob = sign_up_in_context(page, platform.url, "Bob Brown", open_app=False)
    alice = api_user("Alice Adams")
    conversation_id = alice.direct_with(bob["id"])
    last = alice.send(conversation_id, "paid you back")
    open_app_page(page, platform.url, "?test=1")
    page.locator("#conversation-list .conv-item", has_text="Alice Adams").click()
    receipt = {"payment_id": "pay_fake", "note": HOSTILE,
               "amount": {"minor": 745, "currency": "GBP", "display": "£7.45"},
               "payer": {"id": alice.id, "name": "Alice Adams"},
               "payee": {"id": bob["id"], "name": "Bob Brown", "account": "••1234"},
               "bank_reference": "dp_0123abcd", "completed_at": "2026-11-25T14:05:09+00:00"}
    apply_event(page, fake_card_event(conversation_id, last["seq"] + 1, alice.id,
                                      "payment.receipt", receipt))
    apply_event(page, fake_card_event(conversation_id, last["seq"] + 2, alice.id,
                                      "payment.receipt", receipt | {
        "payee": {"id": bob["id"], "name": "Bob Brown", "account": "20000112345678"},
        "completed_at": HOSTILE}))
    shown = page.locator('#messages .card[data-kind="payment.receipt"]')
    expect(shown).to_have_count(2)
    first, forged = shown.nth(0), shown.nth(1)
    expect(first.locator(".card-title")).to_have_text("Payment receipt")
    expect(first.locator(".card-amount")).to_have_text("£7.45")
    expect(first.locator('[data-field="payer"]')).to_have_text("Alice Adams")
    expect(first.locator('[data-field="payee"]')).to_have_text("Bob Brown ••1234")
    expect(first.locator('[data-field="note"]')).to_have_text(HOSTILE)
    expect(first.locator('[data-field="reference"]')).to_have_text("dp_0123abcd")
    expect(first.locator('[data-field="completed"]')).to_contain_text("2026")
    expect(forged.locator('[data-field="payee"]')).to_have_text("Bob Brown")  # never unmasked
    expect(forged.locator('[data-field="completed"]')).to_have_text("—")
    assert page.locator("img").count() == 0
    assert page.evaluate("window.__pwned") is None
    screenshot(page, "04-receipt")


def test_a_group_made_in_the_ui_is_managed_from_its_info_panel_and_works_at_phone_width(
        platform: PlatformProcess, pages: Pages,
        api_user: Callable[[str], ApiUser]) -> None:
    page = pages.new()
    sign_up_in_context(page, platform.url, "Bob Brown")
    alice, carol = api_user("Alice Adams"), api_user("Carol Chen")
    page.get_by_role("button", name="New group").click()
    page.get_by_label("Group name").fill("Flat 4B bills")
    for friend in (alice, carol):
        handle = friend.user["handle"]
        page.locator("#group-member-search").fill(handle)
        page.locator(f'#group-member-search-results [data-handle="{handle}"]').click()
    page.get_by_role("button", name="Create group").click()
    expect(page.locator("#thread-title")).to_have_text("Flat 4B bills")
    page.get_by_label("Message", exact=True).fill("Rent is due on Friday")
    page.get_by_label("Message", exact=True).press("Enter")

    page.get_by_role("button", name="Chat info").click()
    members = page.locator("#member-list .member")
    expect(members).to_have_count(3)
    expect(members.filter(has_text="(you)")).to_contain_text("Admin")
    page.get_by_role("button", name="Remove Carol Chen").click()
    expect(members).to_have_count(2)
    page.locator("#group-rename").fill("Flat 4B")
    page.get_by_role("button", name="Rename").click()
    expect(page.locator("#thread-title")).to_have_text("Flat 4B")
    screenshot(page, "05-group-info")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)  # let the buttons' colour transition finish
    screenshot(page, "05-group-info-dark")

    phone = pages.new(viewport=MOBILE)
    dan = sign_up_in_context(phone, platform.url, "Dan Dlamini")
    trip = alice.call("POST", "/conversations/group", {
        "title": "Weekend trip", "member_ids": [dan["id"]]})["conversation"]
    alice.send(trip["id"], "Who is driving?")
    trip_row = phone.locator("#conversation-list .conv-item", has_text="Weekend trip")
    expect(trip_row.locator(".badge")).to_have_text("1")
    expect(phone.locator(".thread-pane")).to_be_hidden()
    screenshot(phone, "06-mobile-list")
    trip_row.click()
    expect(phone.locator("#conversation-list")).to_be_hidden()
    expect(phone.locator("#messages .msg-text")).to_have_text(["Who is driving?"])
    composer = phone.get_by_label("Message", exact=True)
    composer.fill("I can drive")
    composer.press("Enter")
    expect(phone.locator("#messages .msg.mine")).to_have_attribute("data-status", "sent")
    phone.mouse.move(200, 600)
    screenshot(phone, "07-mobile-thread")
    phone.get_by_role("button", name="Back to chats").click()
    expect(phone.locator("#conversation-list")).to_be_visible()
