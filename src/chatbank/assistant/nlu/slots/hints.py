"""Account, card and spending-category hints ("my savings", "my debit card", "groceries").

Categories map to merchant category codes (ISO 18245 MCC); the table is agreed in docs/nlu.md
and is what the transaction search filters on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

AccountHint = Literal["savings", "current", "credit_card", "joint", "isa", "business"]
CardHint = Literal["debit", "credit", "virtual", "any"]


@dataclass(frozen=True, slots=True)
class Category:
    """A spending category and the MCC codes it covers."""

    name: str
    mcc: tuple[int, ...]
    span: tuple[int, int]


# name → (MCC codes, phrases that name it). Order matters: more specific phrases first.
CATEGORIES: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "fast_food": ((5814,), ("fast food", "takeaways?", "take ?outs?", "take-?aways?",
                            "coffee", "mcdonald'?s")),
    "groceries": ((5411,), ("groceries", "grocery", "supermarkets?", "food shop(?:ping)?")),
    "restaurants": ((5812,), ("restaurants?", "eating out", "dining(?: out)?", "meals out")),
    "bars": ((5813,), ("bars?", "pubs?", "drinks", "nightclubs?")),
    "transport": ((4111, 4121, 4131), ("transport", "public transport", "trains?", "bus(?:es)?",
                                       "tube", "commut\\w*", "taxis?", "ubers?", "rental bikes")),
    "fuel": ((5541, 5542), ("fuel", "petrol", "diesel", "gas station")),
    "subscriptions": ((4899, 5968), ("subscriptions?", "streaming", "memberships?")),
    "travel": ((3000, 4511, 4722, 7011), ("travel", "flights?", "hotels?", "holidays?")),
    "shopping": ((5311, 5651, 5691), ("shopping", "clothes", "clothing")),
    "pharmacy": ((5912,), ("pharmacy", "chemist", "medicine")),
    "entertainment": ((7832, 7922, 7996), ("entertainment", "cinema", "movies", "concerts?")),
    "utilities": ((4900,), ("utilities", "electricity", "gas bill",
                            "water bill")),
    "charity": ((8398,), ("charity", "charities", "donations?")),
}
_CATEGORY_PATTERNS = [
    (name, mcc, re.compile(rf"\b(?:{'|'.join(phrases)})\b", re.IGNORECASE))
    for name, (mcc, phrases) in CATEGORIES.items()
]
_ACCOUNTS: list[tuple[AccountHint, re.Pattern[str]]] = [
    ("credit_card", re.compile(r"\bcredit ?cards?\b(?!.*\bdebit)", re.IGNORECASE)),
    ("savings", re.compile(r"\bsavings?\b|\bsaver\b|\brainy day\b", re.IGNORECASE)),
    ("isa", re.compile(r"\bisa\b", re.IGNORECASE)),
    ("joint", re.compile(r"\bjoint\b", re.IGNORECASE)),
    ("business", re.compile(r"\bbusiness (?:account|current)\b", re.IGNORECASE)),
    ("current", re.compile(r"\bcurrent (?:account|acc)\b|\bchecking\b|\bmain account\b",
                           re.IGNORECASE)),
]
_CARDS: list[tuple[CardHint, re.Pattern[str]]] = [
    ("virtual", re.compile(r"\bvirtual (?:debit |credit )?card\b", re.IGNORECASE)),
    ("debit", re.compile(r"\bdebit ?card\b|\bdebit\b", re.IGNORECASE)),
    ("credit", re.compile(r"\bcredit ?card\b|\bvisa\b|\bmastercard\b|\bamex\b", re.IGNORECASE)),
    ("any", re.compile(r"\bcards?\b", re.IGNORECASE)),
]


def find_category(text: str) -> Category | None:
    """The first spending category named in `text`, with its MCC codes."""
    found = [(m.start(), name, mcc, m.span()) for name, mcc, pattern in _CATEGORY_PATTERNS
             for m in pattern.finditer(text)]
    if not found:
        return None
    _, name, mcc, span = min(found)
    return Category(name, mcc, span)


def find_account(text: str) -> AccountHint | None:
    """Which of the user's accounts the text points at, if any ("my savings" → "savings")."""
    return next((hint for hint, pattern in _ACCOUNTS if pattern.search(text)), None)


def find_card(text: str) -> CardHint | None:
    """Which card the text points at ("my debit card" → "debit"; "my card" → "any")."""
    return next((hint for hint, pattern in _CARDS if pattern.search(text)), None)
