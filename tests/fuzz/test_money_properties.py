"""Money at the edges (Hypothesis): decimal strings in and out, exactly, for every currency."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbank.assistant.nlu import find_amounts
from chatbank.core.errors import InvalidInput
from chatbank.core.money import (
    CURRENCY_EXPONENTS,
    MAX_AMOUNT_MINOR,
    Money,
    currency_exponent,
    format_money,
)

currencies = st.sampled_from(sorted(CURRENCY_EXPONENTS))
minors = st.integers(min_value=-MAX_AMOUNT_MINOR, max_value=MAX_AMOUNT_MINOR)
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(minors, currencies)
def test_decimal_strings_round_trip_exactly_with_the_iso_exponent(minor: int,
                                                                  currency: str) -> None:
    text = Money(minor, currency).to_decimal_string()
    exponent = currency_exponent(currency)
    assert ("." in text) == (exponent > 0)
    if exponent:
        assert len(text.rsplit(".", 1)[1]) == exponent
    parsed = Money.from_decimal_string(text, currency)
    assert parsed == Money(minor, currency)
    assert type(parsed.amount_minor) is int


@FAST
@given(minors, currencies, st.integers(min_value=1, max_value=4))
def test_one_decimal_too_many_is_refused_never_rounded(minor: int, currency: str,
                                                       extra: int) -> None:
    exponent = currency_exponent(currency)
    digits = "".join(str((minor + i) % 9 + 1) for i in range(exponent + extra))
    whole = abs(minor) // 10**exponent
    with pytest.raises(InvalidInput) as caught:
        Money.from_decimal_string(f"{whole}.{digits}", currency)
    assert caught.value.code == "too_many_decimals"


@FAST
@given(minors, currencies, st.integers(min_value=1, max_value=6))
def test_trailing_zeros_beyond_the_exponent_are_the_same_amount(minor: int, currency: str,
                                                                zeros: int) -> None:
    text = Money(minor, currency).to_decimal_string()
    padded = text + ("0" * zeros if "." in text else "." + "0" * zeros)
    assert Money.from_decimal_string(padded, currency) == Money(minor, currency)


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
       currencies)
def test_floats_are_never_amounts(value: float, currency: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money(value, currency)  # type: ignore[arg-type]
    assert caught.value.code == "invalid_amount"


@FAST
@given(st.text(max_size=30), currencies)
def test_arbitrary_text_is_an_amount_or_a_coded_refusal(text: str, currency: str) -> None:
    try:
        money = Money.from_decimal_string(text, currency)
    except InvalidInput as exc:
        assert exc.code in {"invalid_amount", "too_many_decimals", "amount_too_large"}
    else:
        assert Decimal(text.strip()) == Decimal(money.amount_minor).scaleb(
            -currency_exponent(currency))


@FAST
@given(st.text(alphabet=st.characters(whitelist_categories=("Lu",)), min_size=1, max_size=4))
def test_unknown_currencies_are_refused_by_code(code: str) -> None:
    if code in CURRENCY_EXPONENTS:
        return
    with pytest.raises(InvalidInput) as caught:
        Money(100, code)
    assert caught.value.code == "unknown_currency"


@FAST
@given(st.integers(min_value=MAX_AMOUNT_MINOR + 1, max_value=10**30), currencies)
def test_amounts_beyond_the_limit_are_refused(minor: int, currency: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Money(minor, currency)
    assert caught.value.code == "amount_too_large"


@FAST
@given(minors, currencies)
def test_display_text_holds_the_same_amount(minor: int, currency: str) -> None:
    shown = format_money(Money(minor, currency))
    assert shown.startswith("-") == (minor < 0)
    digits = shown.lstrip("-").replace(",", "")
    number = "".join(ch for ch in digits if ch.isdigit() or ch == ".")
    assert Decimal(number).scaleb(currency_exponent(currency)) == abs(minor)


@FAST
@given(st.integers(min_value=0, max_value=10**9), currencies)
def test_the_assistant_reads_any_code_suffixed_amount_with_the_right_exponent(
        minor: int, currency: str) -> None:
    text = Money(minor, currency).to_decimal_string()
    found = find_amounts(f"send {text} {currency} please", default_currency="GBP")
    assert [a.money for a in found] == [Money(minor, currency)]


@FAST
@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["JPY", "KRW", "ISK"]))
def test_the_assistant_refuses_decimals_for_currencies_without_minor_units(
        units: int, currency: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        find_amounts(f"send {units}.5 {currency}")
    assert caught.value.code == "too_many_decimals"
