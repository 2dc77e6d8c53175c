"""Amount parsing: examples from the issue, and properties over generated amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbank.assistant.nlu import find_amounts, parse_amount
from chatbank.core.errors import InvalidInput
from chatbank.core.money import Money

_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def in_words(n: int) -> str:
    """English words for 1 <= n < 1,000,000 (British "and")."""
    if n >= 1000:
        rest = n % 1000
        head = f"{in_words(n // 1000)} thousand"
        return head if not rest else f"{head} {'and ' if rest < 100 else ''}{in_words(rest)}"
    if n >= 100:
        rest = n % 100
        head = f"{_UNITS[n // 100]} hundred"
        return head if not rest else f"{head} and {in_words(rest)}"
    if n < 20:
        return _UNITS[n]
    return _TENS[n // 10] + (f"-{_UNITS[n % 10]}" if n % 10 else "")


@pytest.mark.parametrize(("text", "expected"), [
    ("£20", Money(2000, "GBP")),
    ("send him 20 quid", Money(2000, "GBP")),
    ("twenty pounds", Money(2000, "GBP")),
    ("$1,234.50", Money(123450, "USD")),
    ("€5", Money(500, "EUR")),
    ("20 GBP", Money(2000, "GBP")),
    ("fifteen each", Money(1500, "GBP")),
    ("a tenner", Money(1000, "GBP")),
    ("50p", Money(50, "GBP")),
    ("40€ back", Money(4000, "EUR")),
    ("£1.5k", Money(150000, "GBP")),
    ("a hundred and fifty quid", Money(15000, "GBP")),
    ("¥500", Money(500, "JPY")),
])
def test_issue_examples_parse_to_exact_minor_units(text: str, expected: Money) -> None:
    found = parse_amount(text)
    assert found is not None
    assert found.money == expected


def test_each_marks_a_per_person_amount_in_the_default_currency() -> None:
    found = parse_amount("fifteen each", default_currency="EUR")
    assert found is not None
    assert found.per_person and not found.currency_explicit
    assert found.money == Money(1500, "EUR")


@pytest.mark.parametrize("text", ["£1.234", "pay $0.001", "20.555 GBP"])
def test_too_many_decimals_is_rejected_not_rounded(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        find_amounts(text)
    assert caught.value.code == "too_many_decimals"


def test_plain_numbers_that_are_not_money_are_ignored() -> None:
    assert find_amounts("I visited 5 times in 3 days on 4 May") == []


@settings(max_examples=60, deadline=None)
@given(minor=st.integers(min_value=0, max_value=10**11),
       symbol=st.sampled_from([("£", "GBP"), ("$", "USD"), ("€", "EUR")]),
       grouped=st.booleans())
def test_symbol_amounts_round_trip(minor: int, symbol: tuple[str, str], grouped: bool) -> None:
    value = Decimal(minor).scaleb(-2)
    rendered = f"{value:,.2f}" if grouped else f"{value:.2f}"
    found = find_amounts(f"please send {symbol[0]}{rendered} today")
    assert [a.money for a in found] == [Money(minor, symbol[1])]


@settings(max_examples=60, deadline=None)
@given(units=st.integers(min_value=1, max_value=10**9),
       word=st.sampled_from([("pounds", "GBP"), ("euros", "EUR"), ("USD", "USD"), ("quid", "GBP")]))
def test_whole_amounts_with_a_currency_word_round_trip(units: int, word: tuple[str, str]) -> None:
    found = parse_amount(f"it was {units} {word[0]}")
    assert found is not None
    assert found.money == Money(units * 100, word[1])


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=999_999))
def test_amounts_in_words_parse(units: int) -> None:
    found = parse_amount(f"give her {in_words(units)} pounds")
    assert found is not None
    assert found.money == Money(units * 100, "GBP")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        for amount in find_amounts(text):
            assert amount.money.amount_minor >= 0
            assert 0 <= amount.span[0] < amount.span[1] <= len(text)
    except InvalidInput as exc:
        assert exc.code in ("too_many_decimals", "amount_too_large", "invalid_amount")


def test_times_are_not_pence() -> None:
    assert find_amounts("call me at 7 p.m. or 11 p.m.") == []


@pytest.mark.parametrize("text", ["£5 each", "5 pounds each", "five quid apiece"])
def test_each_after_any_amount_is_per_person(text: str) -> None:
    found = parse_amount(text)
    assert found is not None and found.per_person
