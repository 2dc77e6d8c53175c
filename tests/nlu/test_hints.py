"""Account, card and category hints, and the agreed category → MCC table."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbank.assistant.nlu import find_account, find_card, find_category
from chatbank.assistant.nlu.slots.hints import CATEGORIES


@pytest.mark.parametrize(("text", "name", "mcc"), [
    ("how much on groceries last month", "groceries", 5411),
    ("restaurants this year", "restaurants", 5812),
    ("what did I spend on takeaways", "fast_food", 5814),
    ("my transport costs", "transport", 4111),
    ("show my subscriptions", "subscriptions", 4899),
])
def test_categories_map_to_the_agreed_mcc_codes(text: str, name: str, mcc: int) -> None:
    found = find_category(text)
    assert found is not None
    assert found.name == name and mcc in found.mcc


@pytest.mark.parametrize(("text", "account"), [
    ("move £20 to my savings", "savings"),
    ("what's in my current account", "current"),
    ("pay off my credit card", "credit_card"),
    ("how much is in the ISA", "isa"),
    ("hello", None),
])
def test_account_hints(text: str, account: str | None) -> None:
    assert find_account(text) == account


@pytest.mark.parametrize(("text", "card"), [
    ("freeze my debit card", "debit"),
    ("lock my credit card", "credit"),
    ("my virtual card", "virtual"),
    ("freeze my card", "any"),
    ("what's my balance", None),
])
def test_card_hints(text: str, card: str | None) -> None:
    assert find_card(text) == card


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(CATEGORIES)), st.text(alphabet=" abc", max_size=10))
def test_every_category_is_found_by_its_own_name(name: str, noise: str) -> None:
    text = f"{noise} spent on {name.replace('_', ' ')} {noise}"
    found = find_category(text)
    assert found is not None
    assert text[found.span[0] : found.span[1]].lower() in text.lower()
