"""Upcoming payments and privacy stories: what is due, who sees the data, which banks are linked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.assistant.story_steps import Chat, assert_read, assert_sourced, linked_chat, pounds, rows
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack


@pytest.fixture(scope="module")
def linked(stack: Stack) -> Iterator[Chat]:
    yield from linked_chat(stack)


@pytest.fixture
def chat(linked: Chat) -> Chat:
    linked.replies("cancel")
    return linked


def due_dates(shown: dict[str, object]) -> list[datetime]:
    year = datetime.now(UTC).year
    found = []
    for label in rows(shown):
        if label == "Total":
            continue
        day = datetime.strptime(f"{label.split(' · ')[0]} {year}", "%a %d %b %Y")
        found.append(day if day.month >= datetime.now(UTC).month else day.replace(year=year + 1))
    return found


def test_upcoming_payments_are_sorted_by_date_within_thirty_days(chat: Chat) -> None:
    shown, reads = chat.reads_after("what payments are coming up?")
    assert shown["title"] == "Coming up in the next 30 days"
    dates = due_dates(shown)
    assert dates == sorted(dates)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    assert all(today <= d <= today + timedelta(days=30) for d in dates)
    kinds = " ".join(row.get("detail", "") for row in shown["rows"])
    assert "Standing order · monthly" in kinds and "Direct debit" in kinds
    total = pounds(rows(shown)["Total"])
    assert total == sum(pounds(v) for k, v in rows(shown).items() if k != "Total") < 0
    assert_sourced(shown)
    things = sorted(entry["text"].split(" at ")[0].split("read your ")[1] for entry in reads)
    assert things == ["direct debits", "scheduled payments", "standing orders"]
    assert_read(reads[:1], "direct debits")


def test_upcoming_payments_without_a_bank_offer_to_link_one(new_user: NewUser) -> None:
    shown = Chat.open(new_user()).card("what payments are coming up?")
    assert shown["title"] == "Link a bank first"


def test_who_can_see_my_data_is_answered_from_the_privacy_rules(chat: Chat) -> None:
    shown = chat.card("who can see my data?")
    assert shown["title"] == "Who can see your bank data"
    assert rows(shown)["Advertising"] == "never"
    assert "no advertising purpose" in shown["subtitle"].lower()
    purposes = [r["value"] for r in shown["rows"] if r["label"] == "Allowed purpose"]
    assert purposes == ["answer account questions", "make payments i ask for",
                        "spending insights", "card controls"]
    assert shown["source"].startswith("Source: chatbank privacy centre, as of ")
    log_button = next(b for b in shown["buttons"] if b["label"] == "Show my access log")
    log = chat.card(log_button["reply"])
    assert log["title"] == "Your access log"
    assert any("You linked Northbank" in label for label in rows(log))


def test_what_do_you_do_with_my_data_gets_the_same_rules(chat: Chat) -> None:
    shown = chat.card("what do you do with my bank data?")
    assert shown["title"] == "Who can see your bank data"


def test_the_access_log_lists_the_reads_the_assistant_just_made(chat: Chat) -> None:
    chat.card("how much money do I have?")
    log = chat.card("show the privacy access log")
    newest = next(iter(rows(log)))
    assert "read your balances at Northbank" in newest


def test_privacy_settings_list_each_link_with_purposes_and_expiry(chat: Chat) -> None:
    shown = chat.card("show my privacy settings")
    assert shown["title"] == "Your bank links"
    (link,) = shown["rows"]
    assert link["label"] == "Northbank" and link["value"] == "active"
    expires = (datetime.now(UTC) + timedelta(days=365)).strftime("%b %Y")
    assert "answer my questions about my accounts" in link["detail"]
    assert expires in link["detail"]
    assert shown["source"].startswith("Source: chatbank privacy centre")


def test_which_banks_are_linked_lists_links_rather_than_starting_one(chat: Chat) -> None:
    shown = chat.card("which banks are linked?")
    assert shown["title"] == "Your bank links"
    assert not shown.get("links")


def test_settings_without_any_bank_say_so_and_offer_to_link(new_user: NewUser) -> None:
    shown = Chat.open(new_user()).card("show my privacy settings")
    assert shown["title"] == "No banks linked yet"
    assert any(b["reply"] == "link my bank" for b in shown["buttons"])


def test_after_disconnecting_the_settings_show_the_link_revoked(stack: Stack,
                                                               new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    chat = Chat.open(user)
    chat.card("disconnect my bank")
    chat.replies("yes")
    shown = chat.card("show my privacy settings")
    assert rows(shown)["Northbank"] == "revoked"
    refused = chat.card("show my Tesco transactions")
    assert refused["title"] == "Link a bank first"
