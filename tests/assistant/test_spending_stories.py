"""Spending summary stories: categories, chart data, purposes and their fallbacks, follow-ups."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.assistant.story_steps import (
    INSIGHTS_PURPOSE,
    Chat,
    assert_read,
    assert_sourced,
    linked_chat,
    pounds,
    rows,
)
from tests.support.stack import Stack


@pytest.fixture(scope="module")
def insights(stack: Stack) -> Iterator[Chat]:
    """Linked for account questions and spending insights."""
    yield from linked_chat(stack, ("answer_account_questions", "spending_insights"))


@pytest.fixture(scope="module")
def questions_only(stack: Stack) -> Iterator[Chat]:
    yield from linked_chat(stack, ("answer_account_questions",))


@pytest.fixture(scope="module")
def insights_only(stack: Stack) -> Iterator[Chat]:
    yield from linked_chat(stack, ("spending_insights",))


@pytest.fixture
def chat(insights: Chat) -> Chat:
    insights.replies("cancel")
    return insights


def total_in_title(shown: dict[str, Any]) -> int:
    return pounds(shown["title"].rsplit(": ", 1)[1])


def test_groceries_last_month_is_a_total_with_a_chart_per_shop(chat: Chat) -> None:
    shown, reads = chat.reads_after("how much did I spend on groceries last month?")
    assert shown["title"].startswith("Spent on groceries: £")
    bars = shown["chart"]["bars"]
    assert bars and shown["chart"]["unit"] == "GBP"
    assert sum(pounds(bar["display"]) for bar in bars) == total_in_title(shown)
    for bar in bars:
        assert round(bar["value"] * 100) == pounds(bar["display"])
    assert [b["value"] for b in bars] == sorted((b["value"] for b in bars), reverse=True)
    assert_sourced(shown)
    assert_read(reads, "transactions", INSIGHTS_PURPOSE)


def test_the_summary_agrees_with_the_transaction_search(chat: Chat) -> None:
    summary = chat.card("how much did I spend on groceries last month?")
    search = chat.card("find my grocery transactions last month")
    assert -pounds(rows(search)["Total"]) == total_in_title(summary)


def test_where_does_my_money_go_groups_by_category_and_keeps_transfers_apart(
        chat: Chat) -> None:
    shown = chat.card("where does my money go?")
    assert shown["title"].startswith("Where your money went: £")
    labels = set(rows(shown))
    assert {"Groceries", "Bills and direct debits"} <= labels
    assert "Not counted" in labels
    counted = sum(pounds(v) for k, v in rows(shown).items() if k != "Not counted")
    assert counted == total_in_title(shown)
    assert {bar["label"] for bar in shown["chart"]["bars"]} <= labels


def test_a_follow_up_changes_the_period_then_the_category(chat: Chat) -> None:
    first = chat.card("how much did I spend on groceries last month?")
    assert first["title"].startswith("Spent on groceries")
    this_month = chat.card("no, I meant this month")
    assert this_month["title"].startswith("Spent on groceries")
    assert this_month["subtitle"] != first["subtitle"]
    coffee = chat.card("what about coffee?")
    assert coffee["title"].startswith("Spent on fast food")
    assert coffee["subtitle"] == this_month["subtitle"]


def test_nothing_spent_in_a_category_is_said_plainly(chat: Chat) -> None:
    shown = chat.card("how much did I spend on charity last month?")
    assert shown["title"] == "Spent on charity: £0.00"
    assert "No spending" in shown["subtitle"]
    assert_sourced(shown)


def test_without_insights_the_account_questions_purpose_is_used_and_both_are_logged(
        questions_only: Chat) -> None:
    shown, reads = questions_only.reads_after("what did I spend last month")
    assert shown["title"].startswith("Where your money went")
    assert_sourced(shown)
    refused, allowed = reads[1], reads[0]
    assert refused["allowed"] is False and refused["code"] == "purpose_not_granted"
    assert_read([allowed], "transactions")


def test_insights_only_answers_spending_but_not_a_transaction_search(
        insights_only: Chat) -> None:
    summary, reads = insights_only.reads_after("how much did I spend on groceries last month?")
    assert summary["title"].startswith("Spent on groceries")
    assert_read(reads, "transactions", INSIGHTS_PURPOSE)
    refused, log = insights_only.reads_after("show my Tesco transactions")
    assert refused["title"] == "I can't look at that"
    assert refused["buttons"][0]["reply"] == "show my privacy settings"
    assert log[0]["allowed"] is False and log[0]["code"] == "purpose_not_granted"


def test_insights_only_cannot_read_upcoming_payments(insights_only: Chat) -> None:
    shown = insights_only.card("what payments are coming up?")
    assert shown["title"] == "I can't look at that"
