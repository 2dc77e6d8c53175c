"""Amounts of money in free text ("£20", "20 quid", "twenty pounds", "$1,234.50", "fifteen each").

Amounts become `Money` in integer minor units; more decimals than the currency has is an error
(`too_many_decimals`), never a rounding. Without a currency word the caller's default applies and
`currency_explicit` is False.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from chatbank.assistant.nlu.slots.numbers import WORD_NUMBER_PATTERN, word_number_value
from chatbank.core.errors import InvalidInput
from chatbank.core.money import CURRENCY_EXPONENTS, Money

_SYMBOLS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY"}
_WORDS = {
    "pound": "GBP", "pounds": "GBP", "quid": "GBP", "gbp": "GBP", "sterling": "GBP",
    "euro": "EUR", "euros": "EUR", "eur": "EUR", "dollar": "USD", "dollars": "USD",
    "usd": "USD", "bucks": "USD", "yen": "JPY", "jpy": "JPY",
}
_MINOR_WORDS = {"p": "GBP", "pence": "GBP", "penny": "GBP", "cent": "EUR", "cents": "EUR"}
_SLANG = {"tenner": 10, "fiver": 5, "score": 20, "pony": 25, "ton": 100, "monkey": 500}
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_NUMBER = rf"(?:{_DIGITS}|{WORD_NUMBER_PATTERN})"
_CODES = "|".join(sorted(CURRENCY_EXPONENTS))
_UNIT = "|".join(sorted([*_WORDS, *_MINOR_WORDS], key=len, reverse=True))
_MULT = r"(?:\s?(?P<mult>k|grand|thousand|m|million|bn)\b)?"
_PATTERN = re.compile(
    rf"(?P<sym>[£$€¥])\s?(?P<n1>{_DIGITS}|{WORD_NUMBER_PATTERN}){_MULT}(?![\w.,]*\d)"
    rf"|(?P<n2>{_NUMBER})\s?(?:(?P<sym2>[£$€¥])|(?P<code>{_CODES})\b|(?i:(?P<unit>{_UNIT})\b(?!\.m))"
    rf"|(?i:(?P<grand>grand|k)\b))"
    rf"|(?i:\b(?:an?\s+)?(?P<slang>{'|'.join(_SLANG)})s?\b)"
    rf"|(?i:\b(?P<n3>{_NUMBER})\s+(?P<each>each|apiece|per person|a head)\b)"
    rf"|(?i:\b(?:more than|less than|over|under|above|below|at least|around|about|exactly)\s+"
    rf"(?P<n4>{_DIGITS})(?!\s*(?:%|percent|days?|weeks?|months?|years?|hours?|minutes?|times|"
    rf"st|nd|rd|th|am|pm|[ap]\.m\.|[£$€¥]|(?:{_UNIT}|{_CODES})\b)))\b"
    rf"|(?<![\d.,:/])(?P<n5>\d+\.\d\d)(?![\d.,:/%])",
    re.IGNORECASE,
)
_EACH = re.compile(r"\s+(?:each|apiece|per person|a head)\b", re.IGNORECASE)
_SCALE = {"k": 1000, "grand": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000,
          "bn": 1_000_000_000}


@dataclass(frozen=True, slots=True)
class AmountSlot:
    """An amount found in text: the money, where it was, and how sure we are of the currency."""

    money: Money
    span: tuple[int, int]
    currency_explicit: bool
    per_person: bool = False


def _number_text(raw: str) -> str:
    if raw[0].isdigit() or raw[0] == ".":
        return raw.replace(",", "")
    value = word_number_value(raw)
    if value is None:
        raise InvalidInput("invalid_amount", f"{raw!r} is not a number.")
    return str(value)


def _money(number: str, currency: str, scale: int = 1, minor: bool = False) -> Money:
    value = Decimal(_number_text(number)) * scale
    if minor:
        value = value.scaleb(-CURRENCY_EXPONENTS[currency])
    return Money.from_decimal_string(str(value), currency)


def _slot_from_match(m: re.Match[str], default_currency: str) -> AmountSlot:
    span = m.span()
    if m["slang"]:
        return AmountSlot(Money.from_decimal_string(str(_SLANG[m["slang"].lower()]), "GBP"),
                          span, True)
    if m["sym"]:
        scale = _SCALE[m["mult"].lower()] if m["mult"] else 1
        return AmountSlot(_money(m["n1"], _SYMBOLS[m["sym"]], scale), span, True)
    if m["n2"]:
        return _suffixed(m, default_currency)
    if m["n3"]:
        return AmountSlot(_money(m["n3"], default_currency), span, False, per_person=True)
    if m["n4"]:
        return AmountSlot(_money(m["n4"], default_currency), m.span("n4"), False)
    return AmountSlot(_money(m["n5"], default_currency), span, False)


def _suffixed(m: re.Match[str], default_currency: str) -> AmountSlot:
    span = m.span()
    if m["sym2"]:
        return AmountSlot(_money(m["n2"], _SYMBOLS[m["sym2"]]), span, True)
    if m["code"]:
        return AmountSlot(_money(m["n2"], m["code"].upper()), span, True)
    if m["grand"]:
        return AmountSlot(_money(m["n2"], default_currency, 1000), span, False)
    unit = m["unit"].lower()
    if unit in _MINOR_WORDS:
        currency = _MINOR_WORDS[unit] if unit.startswith(("p", "penn")) else default_currency
        return AmountSlot(_money(m["n2"], currency, minor=True), span, True)
    return AmountSlot(_money(m["n2"], _WORDS[unit]), span, True)


def find_amounts(text: str, default_currency: str = "GBP") -> list[AmountSlot]:
    """Every amount in `text`, left to right.

    Raises `InvalidInput("too_many_decimals")` for e.g. "£1.234" rather than guessing.
    """
    found = []
    for m in _PATTERN.finditer(text):
        slot = _slot_from_match(m, default_currency)
        if not slot.per_person and _EACH.match(text, slot.span[1]):
            slot = AmountSlot(slot.money, slot.span, slot.currency_explicit, per_person=True)
        found.append(slot)
    return found


def parse_amount(text: str, default_currency: str = "GBP") -> AmountSlot | None:
    """The first amount in `text`, or None."""
    found = find_amounts(text, default_currency)
    return found[0] if found else None
