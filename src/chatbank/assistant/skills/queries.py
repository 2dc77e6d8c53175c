"""What a question about past transactions asks for, and how a follow-up changes it.

A `Query` is the filter (period, merchants, category, amount bound). It is kept in the form after
an answer, so "no, I meant last week" or "what about Sainsbury's?" refines the last question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.nlu.slots.hints import CATEGORIES
from chatbank.assistant.nlu.slots.names import NameMatch, find_name, normalise_name
from chatbank.assistant.skills.base import Turn
from chatbank.assistant.skills.periods import Window, window_of
from chatbank.connect.views import TransactionView

REFINE = "refine"          # answered; a follow-up may change the question
MERCHANT = "merchant"      # waiting for the user to pick one of several merchants
_CORRECTION = re.compile(r"^\s*(no|nope|not|actually|i meant|i mean|what about|how about|and|"
                         r"only|just|instead|rather|same|but)\b", re.I)
FRESH_CONFIDENCE = 0.6
_ABOVE = re.compile(r"\b(over|above|more than|at least|bigger than|greater than|>)\s*$", re.I)
_BELOW = re.compile(r"\b(under|below|less than|at most|smaller than|up to|<)\s*$", re.I)
# Words that say how to search, not whom: what is left after removing them names a merchant.
_FILLER = frozenset(re.findall(r"\S+", """
a about actually after all am amount an and any anything are at be before between big bills
bought buy by can card cost costs did do does done during each every find for from get go got
had has have how i i'm in instead is it its just last latest least less list look me meant mean
money month months more most much my no nope not of on only or over past payment payments
please previous purchase purchases rather recent show since so spend spending spent than that
the them then there these this those to today transaction transactions under up week weeks
what when where which with year years yesterday you your ok okay only instead ones one both
paid pay search days day went sorry oh hmm thanks thank see few shopping shop shops store
stores account accounts savings current credit debit everyday joint out biggest large
larger small smaller expensive big
"""))
_MONTHS = frozenset(re.findall(r"\S+", (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday "
    "saturday sunday weekend")))


@dataclass(frozen=True, slots=True)
class Query:
    """The filter of a transactions question. Amount bounds are minor units of `currency`."""

    window: Window | None = None
    merchants: tuple[str, ...] = ()
    unknown_merchant: str | None = None  # named, but not seen in the window
    category: str | None = None
    min_minor: int | None = None
    max_minor: int | None = None
    exact_minor: int | None = None
    options: tuple[str, ...] = field(default=())  # merchants to choose from

    def to_json(self) -> dict[str, Any]:
        return {"window": self.window.to_json() if self.window else None,
                "merchants": list(self.merchants), "unknown_merchant": self.unknown_merchant,
                "category": self.category, "min_minor": self.min_minor,
                "max_minor": self.max_minor, "exact_minor": self.exact_minor,
                "options": list(self.options)}

    @classmethod
    def from_form(cls, form: Form) -> Query:
        s = form.slots
        return cls(Window.from_json(s.get("window")), tuple(s.get("merchants") or ()),
                   s.get("unknown_merchant"), s.get("category"), s.get("min_minor"),
                   s.get("max_minor"), s.get("exact_minor"), tuple(s.get("options") or ()))

    def form(self, intent: str, awaiting: str) -> Form:
        return Form(intent, self.to_json(), awaiting)

    def keeps(self, t: TransactionView) -> bool:
        """Whether `t` passes every filter except the merchant name."""
        size = abs(t.amount.amount_minor)
        if self.category and (t.mcc is None or t.mcc not in CATEGORIES[self.category][0]):
            return False
        if self.exact_minor is not None and size != self.exact_minor:
            return False
        if self.min_minor is not None and size <= self.min_minor:
            return False
        return self.max_minor is None or size < self.max_minor

    def at_merchant(self, t: TransactionView) -> bool:
        if self.unknown_merchant:
            return False
        return not self.merchants or (t.merchant or t.description) in self.merchants


@dataclass(frozen=True, slots=True)
class Change:
    """What one message changes in a query (None: not mentioned)."""

    window: Window | None = None
    category: str | None = None
    amount: tuple[str, int] | None = None  # (bound, minor units): "min", "max" or "exact"
    merchant_words: str | None = None

    @property
    def empty(self) -> bool:
        return (self.window, self.category, self.amount, self.merchant_words) == (None,) * 4


def change_in(turn: Turn) -> Change:
    """The filters `turn` mentions."""
    slots = turn.parse.slots
    category = slots.category
    amount = None
    if slots.amount is not None:
        before = turn.text[: _amount_position(turn.text)]
        bound = "min" if _ABOVE.search(before) else ("max" if _BELOW.search(before)
                                                       else "exact")
        amount = (bound, abs(slots.amount.amount_minor))
    skip = category.span if category else None
    words = [w for w in _words(turn.text, skip) if w not in _FILLER and w not in _MONTHS]
    return Change(window_of(slots.period, turn.today), category.name if category else None,
                  amount, " ".join(words) or None)


def is_fresh_question(turn: Turn, intent: str) -> bool:
    """A full new question of the same kind, rather than a change to the last one."""
    return (turn.parse.intent == intent and turn.parse.confidence >= FRESH_CONFIDENCE
            and len(turn.text.split()) > 2 and not _CORRECTION.match(turn.text))


def refines(turn: Turn, change: Change, intent: str) -> bool:
    """Whether a message sent after an answer changes that answer's question.

    A confident request of another kind ("upcoming payments") is not a merchant name.
    """
    if change.empty:
        return False
    other = (turn.parse.intent not in (intent, "deny", "affirm", "out_of_scope")
             and turn.parse.confidence >= FRESH_CONFIDENCE)
    return not (other and (change.window, change.amount, change.category) == (None,) * 3)


def refined(query: Query, change: Change) -> Query:
    """`query` with what `change` mentions replaced (merchant words are matched later)."""
    if change.window is not None:
        query = replace(query, window=change.window)
    if change.category is not None:
        query = replace(query, category=change.category, merchants=(), unknown_merchant=None)
    if change.amount is not None:
        bound, minor = change.amount
        query = replace(query, min_minor=minor if bound == "min" else None,
                        max_minor=minor if bound == "max" else None,
                        exact_minor=minor if bound == "exact" else None)
    return query


def with_merchant(query: Query, words: str | None, seen: list[str]) -> Query:
    """Resolve the merchant words against merchants seen in the window."""
    if not words:
        return query
    found = find_name(words, seen) if seen else None
    if found is None or found.name is None:
        return replace(query, merchants=(), unknown_merchant=words, options=())
    if found.ambiguous:
        return replace(query, merchants=(), unknown_merchant=None, options=_close(found))
    return replace(query, merchants=(found.name,), unknown_merchant=None, options=(),
                   category=None)


def _close(found: NameMatch) -> tuple[str, ...]:
    best = found.ranked[0][1]
    return tuple(name for name, score in found.ranked if best - score < 0.2)[:5]


def pick_option(query: Query, text: str) -> Query | None:
    """The user's choice among `query.options` ("Amazon Prime", "both"), or None."""
    if re.search(r"\b(both|all|either|any)\b", text, re.I):
        return replace(query, merchants=query.options, options=())
    found = find_name(text, list(query.options))
    if found is None or found.name is None or found.ambiguous:
        return None
    return replace(query, merchants=(found.name,), options=())


def _words(text: str, skip: tuple[int, int] | None) -> list[str]:
    if skip is not None:
        text = text[: skip[0]] + " " + text[skip[1]:]
    text = re.sub(r"[£$€]\s?[\d,.]+\w*|\b\d[\d,.]*\w*", " ", text)
    return [w for w in normalise_name(text).split() if len(w) > 1]


def _amount_position(text: str) -> int:
    found = re.search(r"[£$€]?\s?\d", text)
    return found.start() if found else len(text)


def merchants_seen(transactions: list[TransactionView]) -> list[str]:
    return sorted({t.merchant or t.description for t in transactions
                   if t.merchant or t.description})
