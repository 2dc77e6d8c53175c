"""Scoring our slot parsers against NLU++ slot annotations.

A prediction is right when its span overlaps the annotated span and, where the annotation has a
normalised value our parser also produces (amounts, dates, absolute periods), the values agree.
Categories are compared by span only (our values are MCC groups, theirs free text).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from chatbank.assistant.nlu.corpus import NluppRow
from chatbank.assistant.nlu.slots.amounts import find_amounts
from chatbank.assistant.nlu.slots.calendar import Prefer
from chatbank.assistant.nlu.slots.hints import find_category
from chatbank.assistant.nlu.slots.periods import find_periods
from chatbank.core.errors import InvalidInput

NLUPP_TODAY = date(2022, 3, 15)
SCORED_TYPES = ("amount_of_money", "date", "date_period", "date_from", "date_to",
                "shopping_category")
Prediction = tuple[str, tuple[int, int], Any]


@dataclass
class SlotCounts:
    """True positives, false positives and false negatives per slot type."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    unscored: Counter[str] = field(default_factory=Counter)

    def table(self) -> dict[str, dict[str, float]]:
        """Precision, recall, F1 and support per scored slot type, plus "all"."""
        out = {}
        for kind in [*SCORED_TYPES, "all"]:
            tp, fp, fn = (sum(c.values()) if kind == "all" else c[kind]
                          for c in (self.tp, self.fp, self.fn))
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f1 = 2 * p * r / (p + r) if p + r else 0.0
            out[kind] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                         "support": tp + fn}
        return out


def predict_slots(text: str, prefer: Prefer) -> list[Prediction]:
    """Our parsers' output expressed in NLU++ slot types: (type, span, normalised value)."""
    out: list[Prediction] = []
    try:
        amounts = find_amounts(text)
    except InvalidInput:
        amounts = []
    out += [("amount_of_money", a.span, a) for a in amounts]
    for p in find_periods(text, NLUPP_TODAY, prefer):
        if p.role == "range":
            out += [("date_from", p.span, p.start), ("date_to", p.span, p.end)]
        else:
            kind = {"date": "date", "period": "date_period", "from": "date_from",
                    "to": "date_to"}[p.role]
            value = (p.start, p.end) if kind == "date_period" else (
                p.end if kind == "date_to" else p.start)
            out.append((kind, p.span, value))
    category = find_category(text)
    if category is not None:
        out.append(("shopping_category", category.span, category.name))
    return out


def _gold_value(kind: str, gold: dict[str, Any]) -> Any:
    if kind == "amount_of_money":
        return gold["value"]
    if kind in ("date", "date_from", "date_to"):
        v = gold["value"]
        return date(v["year"], v["month"], v["day"])
    if kind == "date_period" and gold.get("values", {}).get("type") == "absolute":
        v = gold["values"]
        return (date(**{k: v["from"][k] for k in ("year", "month", "day")}),
                date(**{k: v["to"][k] for k in ("year", "month", "day")}))
    return None


def _agrees(kind: str, expected: Any, predicted: Any) -> bool:
    if expected is None or kind == "shopping_category":
        return True
    if kind == "amount_of_money":
        currency = expected.get("currency")
        same_amount = Decimal(str(expected["amount"])) == Decimal(
            predicted.money.to_decimal_string())
        return bool(same_amount and (currency in (None, "ambiguous")
                                     or currency == predicted.money.currency))
    return bool(expected == predicted)


def score_row_slots(row: NluppRow, counts: SlotCounts, prefer: Prefer) -> None:
    """Add one row's true/false positives and false negatives to `counts`."""
    predicted = predict_slots(row.text, prefer)
    used: set[int] = set()
    for kind, gold in row.slots.items():
        if kind not in SCORED_TYPES:
            counts.unscored[kind] += 1
            continue
        span = tuple(gold["span"])
        hit = next((i for i, (k, s, v) in enumerate(predicted) if k == kind and i not in used
                    and s[0] < span[1] and span[0] < s[1]
                    and _agrees(kind, _gold_value(kind, gold), v)), None)
        if hit is None:
            counts.fn[kind] += 1
        else:
            used.add(hit)
            counts.tp[kind] += 1
    for i, (kind, _, _) in enumerate(predicted):
        if i not in used:
            counts.fp[kind] += 1
