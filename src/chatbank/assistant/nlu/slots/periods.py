"""Dates and periods in free text, relative to a given `today`.

"last month", "since March", "in the last 2 weeks", "yesterday", "on 3 May", "from Feb 17 to
Mar 4" → inclusive (start, end) dates. An open start ("until May", looking back) is `date.min`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from chatbank.assistant.nlu.slots import date_rules  # noqa: F401  (registers the rules)
from chatbank.assistant.nlu.slots.calendar import RULES, DateRange, Prefer

Role = Literal["date", "period", "from", "to", "range"]
_OPENERS = re.compile(r"(?:\b(?P<kw>from|between|since|starting(?: from| on)?|after|until|till|"
                      r"til|up to|up until|before)\s+(?:the\s+)?)$", re.IGNORECASE)
_JOINER = re.compile(r"^\s*(?:to|until|till|and|through|-|–)\s*(?:the\s+)?$", re.IGNORECASE)
_FROM_WORDS = ("from", "since", "starting", "after")


@dataclass(frozen=True, slots=True)
class PeriodSlot:
    """A resolved date or period, the text it came from, and its role in the sentence."""

    start: date
    end: date
    span: tuple[int, int]
    role: Role


def _base_matches(text: str, today: date, prefer: Prefer) -> list[tuple[int, int, DateRange]]:
    found: list[tuple[int, int, DateRange]] = []
    for pattern, handler in RULES:
        for m in pattern.finditer(text):
            try:
                resolved = handler(m, today, prefer)
            except (ValueError, OverflowError):  # "the last 9000 years": outside the calendar
                resolved = None
            if resolved is not None:
                found.append((m.start(), m.end(), resolved))
    found.sort(key=lambda f: (f[0], f[0] - f[1]))
    chosen: list[tuple[int, int, DateRange]] = []
    for start, end, resolved in found:
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end, resolved))
        elif end - start > chosen[-1][1] - chosen[-1][0] and (
            len(chosen) == 1 or start >= chosen[-2][1]
        ):
            chosen[-1] = (start, end, resolved)  # a longer reading of the same words
    return chosen


def find_periods(text: str, today: date, prefer: Prefer = "past") -> list[PeriodSlot]:
    """Every date or period in `text`, with "from A to B", "since A" and "until A" combined."""
    base = _base_matches(text, today, prefer)
    slots: list[PeriodSlot] = []
    i = 0
    while i < len(base):
        start, end, found = base[i]
        opener = _OPENERS.search(text[:start])
        keyword = (opener["kw"].lower() if opener else "")
        nxt = base[i + 1] if i + 1 < len(base) else None
        if keyword in ("from", "between") and nxt and _JOINER.match(text[end : nxt[0]]):
            first, last = sorted((found.start, nxt[2].end))  # "the 16th to the 22nd of Apr"
            slots.append(PeriodSlot(first, last, (start, nxt[1]), "range"))
            i += 2
            continue
        slots.append(_with_keyword(keyword, found, (start, end), today))
        i += 1
    return slots


def _with_keyword(keyword: str, found: DateRange, span: tuple[int, int], today: date) -> PeriodSlot:
    if keyword.startswith(_FROM_WORDS):
        return PeriodSlot(found.start, today if found.start <= today else found.end, span, "from")
    if keyword:
        start = today if found.end >= today else date.min
        return PeriodSlot(min(start, found.end), found.end, span, "to")
    role: Role = "date" if found.single_day else "period"
    return PeriodSlot(found.start, found.end, span, role)


def parse_period(text: str, today: date, prefer: Prefer = "past") -> tuple[date, date] | None:
    """The first date or period in `text` as inclusive (start, end), or None."""
    found = find_periods(text, today, prefer)
    return (found[0].start, found[0].end) if found else None
