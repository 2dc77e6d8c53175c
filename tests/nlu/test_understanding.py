"""The public API the dialogue calls: `load_nlu().parse(...)` with the committed model."""

from __future__ import annotations

import time
from datetime import date

import pytest

from chatbank.assistant.nlu import Nlu, load_nlu
from chatbank.core.money import Money

TODAY = date(2025, 11, 25)
CONTACTS = ["Sam Smith", "Samantha Jones", "Alex Green"]


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return load_nlu()


@pytest.mark.parametrize(("text", "intent"), [
    ("what's my balance", "check_balance"),
    ("send sam 20 quid", "pay_contact"),
    ("freeze my debit card", "freeze_card"),
    ("I found my card, unfreeze it", "unfreeze_card"),
    ("how much did I spend on groceries last month", "spending_summary"),
    ("show me payments to tesco", "search_transactions"),
    ("split the bill with alex", "split_bill"),
    ("ask alex for the £12 she owes me", "request_money"),
    ("link my barclays account", "link_bank"),
    ("who can see my transactions", "privacy_question"),
    ("pay my council tax", "pay_bill"),
    ("what bills are due next week", "upcoming_payments"),
    ("hello", "greet"),
    ("yes please", "affirm"),
    ("never mind", "cancel"),
    ("my card still hasn't arrived", "card_arrival"),
    ("tell me a joke", "out_of_scope"),
])
def test_clear_requests_get_the_right_intent(nlu: Nlu, text: str, intent: str) -> None:
    assert nlu.parse(text, TODAY).intent == intent


def test_a_payment_request_carries_amount_and_contact(nlu: Nlu) -> None:
    result = nlu.parse("send sam 20 quid", TODAY, contacts=CONTACTS)
    assert result.slots.amount == Money(2000, "GBP")
    counterparty = result.slots.counterparty
    assert counterparty is not None and counterparty.kind == "contact"
    assert counterparty.match.name == "Sam Smith" and counterparty.match.ambiguous
    assert len(result.ranked) == 3 and result.ranked[0][0] == result.intent


def test_a_spending_question_carries_period_and_category(nlu: Nlu) -> None:
    result = nlu.parse("how much did I spend on groceries last month", TODAY)
    assert result.slots.period == (date(2025, 10, 1), date(2025, 10, 31))
    assert result.slots.category is not None and 5411 in result.slots.category.mcc


def test_too_many_decimals_is_reported_not_guessed(nlu: Nlu) -> None:
    result = nlu.parse("send alex £3.999", TODAY, contacts=CONTACTS)
    assert result.slots.amount is None and result.slots.amount_error == "too_many_decimals"


def test_banking77_ranking_can_be_restricted_to_its_labels(nlu: Nlu) -> None:
    banking77 = {label for label, b in zip(nlu.labels, nlu.head.banking77, strict=True) if b}
    assert len(banking77) == 77
    ranked = nlu.classify("what's my balance", only=banking77)
    assert {label for label, _ in ranked} == banking77


async def test_parse_async_does_not_block_and_is_fast_enough(nlu: Nlu) -> None:
    nlu.parse("warm up", TODAY)
    started = time.process_time()
    result = await nlu.parse_async("pay alex back £5", TODAY, contacts=CONTACTS)
    assert result.intent in ("pay_contact", "transfer_money")
    assert time.process_time() - started < 0.5  # CPU seconds; ~10-20 ms when the box is idle
