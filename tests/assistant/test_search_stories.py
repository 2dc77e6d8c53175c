"""Transaction search stories: merchant, category, amount, period, corrections, choices."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.assistant.story_steps import Chat, assert_read, assert_sourced, linked_chat, pounds, rows
from tests.support.stack import Stack

GROCERS = {"Tesco", "Sainsbury's", "Waitrose", "Lidl", "Aldi", "Co-op Food", "M&S Food"}


@pytest.fixture(scope="module")
def chat(stack: Stack) -> Iterator[Chat]:
    """Alice at Northbank, linked once for every story of this module."""
    yield from linked_chat(stack)


@pytest.fixture
def fresh(chat: Chat) -> Chat:
    chat.replies("cancel")
    return chat


def table(shown: dict[str, object]) -> list[tuple[str, int]]:
    """(label, signed minor units) of the transaction rows (without the total)."""
    return [(label, pounds(value)) for label, value in rows(shown).items() if label != "Total"]


def last_month() -> tuple[date, date]:
    first_this = datetime.now(UTC).date().replace(day=1)
    end = first_this - timedelta(days=1)
    return end.replace(day=1), end


def test_merchant_search_shows_only_that_merchant_with_total_source_and_audited_read(
        fresh: Chat) -> None:
    shown, reads = fresh.reads_after("show my Tesco transactions")
    assert shown["title"] == "Transactions at Tesco"
    lines = table(shown)
    assert lines and all("· Tesco" in label for label, _ in lines)
    assert pounds(rows(shown)["Total"]) == sum(minor for _, minor in lines) < 0
    assert_sourced(shown)
    assert_read(reads, "transactions")
    start = datetime.now(UTC).date() - timedelta(days=29)
    assert shown["subtitle"].split(", ", 1)[1].startswith(f"{start.day} {start:%b}")


def test_a_misspelt_merchant_is_matched_fuzzily(fresh: Chat) -> None:
    shown = fresh.card("show my sainsburys transactions last month")
    assert shown["title"] == "Transactions at Sainsbury's"
    first, _last = last_month()
    assert f"{first:%b}" in shown["subtitle"]
    assert all(f" {first:%b} · Sainsbury's" in label for label, _ in table(shown))


def test_correction_changes_the_period_and_keeps_the_merchant(fresh: Chat) -> None:
    fresh.card("show my Tesco transactions")
    shown, reads = fresh.reads_after("no, I meant last week")
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday() + 7)
    assert f"{monday.day} {monday:%b}" in shown.get("subtitle", "")
    assert "Tesco" in shown["title"] or "Tesco" in shown["subtitle"]
    assert_read(reads, "transactions")


def test_a_follow_up_names_another_merchant(fresh: Chat) -> None:
    fresh.card("show my Tesco transactions last month")
    shown = fresh.card("what about Waitrose?")
    assert "Waitrose" in (shown["title"] + shown.get("subtitle", ""))
    assert all("Waitrose" in label for label, _ in table(shown))


def test_amount_filter_keeps_only_payments_over_the_amount(fresh: Chat) -> None:
    shown = fresh.card("show me payments over £50 last month")
    assert shown["title"] == "Transactions over £50.00"
    assert table(shown) and all(abs(minor) > 5000 for _, minor in table(shown))
    assert_sourced(shown)


def test_category_search_uses_the_merchant_category_codes(fresh: Chat) -> None:
    shown = fresh.card("find my grocery transactions last month")
    assert shown["title"] == "Transactions on groceries"
    merchants = {label.split(" · ", 1)[1] for label, _ in table(shown)}
    assert merchants and merchants <= GROCERS


def test_since_march_is_a_long_window_and_the_newest_rows_are_shown(fresh: Chat) -> None:
    shown = fresh.card("show my transactions since March")
    assert shown["title"] == "Your transactions"
    assert shown["subtitle"].split(", ", 1)[1].startswith("1 Mar")
    assert "(newest 20 shown)" in shown["subtitle"]
    assert len(table(shown)) == 20


def test_a_new_question_starts_afresh_instead_of_refining_the_last_one(fresh: Chat) -> None:
    fresh.card("show me payments over £50 last month")
    shown = fresh.card("show my Tesco transactions")
    assert shown["title"] == "Transactions at Tesco"
    assert all(abs(minor) for _, minor in table(shown))


def test_unknown_merchant_says_nothing_found_and_offers_a_longer_period(fresh: Chat) -> None:
    shown = fresh.card("show my Harrods transactions last week")
    assert shown["title"] == "No transactions found"
    assert "Harrods" in shown["subtitle"] and "longer period" in shown["subtitle"]
    assert_sourced(shown)
    (further,) = shown["buttons"]
    again = fresh.card(further["reply"])
    assert again["title"] == "No transactions found"
    assert again["subtitle"] != shown["subtitle"]


def test_a_filter_that_matches_nothing_is_an_empty_answer_not_an_error(fresh: Chat) -> None:
    shown = fresh.card("show me payments over £5000 last month")
    assert shown["title"] == "No transactions found"
    assert shown["buttons"][0]["label"] == "Look further back"


def test_an_ambiguous_merchant_is_offered_as_a_choice(fresh: Chat) -> None:
    question = fresh.card("show my Amazon transactions in the last 6 months")
    assert question["title"] == "Which one did you mean?"
    labels = [b["label"] for b in question["buttons"]]
    assert {"Amazon Prime", "Amazon.co.uk"} <= set(labels)
    shown = fresh.card("Amazon Prime")
    assert shown["title"] == "Transactions at Amazon Prime"
    assert {minor for _, minor in table(shown)} == {-899}
    assert_sourced(shown)


def test_all_of_them_answers_for_every_close_merchant(fresh: Chat) -> None:
    fresh.card("show my Amazon transactions in the last 6 months")
    shown = fresh.card("all of them")
    names = {label.split(" · ", 1)[1] for label, _ in table(shown)}
    assert names <= {"Amazon Prime", "Amazon.co.uk"} and "Amazon Prime" in shown["title"]


def test_cancel_mid_choice_drops_the_question(fresh: Chat) -> None:
    fresh.card("show my Amazon transactions in the last 6 months")
    (cancelled,) = fresh.replies("cancel")
    assert "cancelled" in cancelled["text"].lower()
    shown = fresh.card("Amazon Prime")
    assert shown["title"] != "Transactions at Amazon Prime"


def test_switching_mid_choice_answers_then_asks_again(fresh: Chat) -> None:
    fresh.card("show my Amazon transactions in the last 6 months")
    replies = fresh.replies("how much money do I have?")
    assert len(replies) == 2
    balance, asked_again = (r["card"]["payload"] for r in replies)
    assert_sourced(balance)
    assert asked_again["title"] == "Which one did you mean?"
    assert fresh.card("Amazon.co.uk")["title"] == "Transactions at Amazon.co.uk"


def test_a_short_request_of_another_kind_is_not_taken_for_a_merchant(fresh: Chat) -> None:
    fresh.card("show my Tesco transactions")
    shown = fresh.card("upcoming payments")
    assert "Upcoming" not in shown["title"] + shown.get("subtitle", "")
    assert shown["title"] == "Could you ask that as a full question?"
    assert fresh.card("hello")["title"].startswith("Hi!")


def test_asking_to_send_money_after_a_search_is_not_read_as_a_new_search_filter(
        fresh: Chat) -> None:
    assert fresh.card("show my Tesco transactions")["title"] == "Transactions at Tesco"
    answers = [r.get("card") or {} for r in fresh.replies("transfer £5 to Bob for lunch")]
    titles = [str(card.get("payload", {}).get("title", "")) for card in answers]
    assert titles and not any("transactions" in title.lower() for title in titles), titles
