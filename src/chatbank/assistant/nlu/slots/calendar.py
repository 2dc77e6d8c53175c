"""Single date expressions ("yesterday", "last month", "3 May", "in the last 2 weeks").

Each recogniser turns a match into a `DateRange` relative to `today`. Ambiguous references
("May", "Monday", "the 16th") resolve to the past or the future as the caller prefers: spending
questions look back, scheduling looks ahead.
"""

from __future__ import annotations

import calendar as cal
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chatbank.assistant.nlu.slots.numbers import WORD_NUMBER_PATTERN, word_number_value

Prefer = Literal["past", "future"]

MONTHS = {name.lower(): i for i, name in enumerate(cal.month_name) if name}
MONTHS |= {name.lower(): i for i, name in enumerate(cal.month_abbr) if name}
MONTHS["sept"] = 9
MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
DAYS = [d.lower() for d in cal.day_name]
WEEKDAY = r"(?P<weekday>" + "|".join(DAYS) + r")"
ORD = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d))?"
COUNT = rf"(?P<count>\d+|{WORD_NUMBER_PATTERN}|few|couple(?: of)?)"
UNIT = r"(?P<unit>day|week|month|year|quarter)s?"


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive dates, and whether the expression named one day or a stretch of time."""

    start: date
    end: date
    single_day: bool


def count_of(text: str) -> int:
    """Value of a count such as "3", "three", "few" (3) or "couple" (2)."""
    if text.isdigit():
        return int(text)
    if text.startswith("couple"):
        return 2
    if text == "few":
        return 3
    return word_number_value(text) or 1


def month_range(year: int, month: int) -> DateRange:
    """The whole of a calendar month."""
    return DateRange(date(year, month, 1), date(year, month, cal.monthrange(year, month)[1]), False)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months, clamped to the end of shorter months."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, cal.monthrange(year, month + 1)[1]))


def shift(today: date, unit: str, n: int) -> date:
    """`today` moved by `n` days, weeks, months, quarters or years."""
    if unit == "day":
        return today + timedelta(days=n)
    if unit == "week":
        return today + timedelta(weeks=n)
    return add_months(today, n * {"month": 1, "quarter": 3, "year": 12}[unit])


def calendar_unit(today: date, unit: str, offset: int) -> DateRange:
    """This/last/next (offset 0/-1/1) week (Monday-Sunday), month, quarter or year."""
    if unit == "day":
        day = today + timedelta(days=offset)
        return DateRange(day, day, True)
    if unit == "week":
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=offset)
        return DateRange(monday, monday + timedelta(days=6), False)
    if unit == "month":
        first = add_months(today.replace(day=1), offset)
        return month_range(first.year, first.month)
    if unit == "quarter":
        first = add_months(today.replace(day=1, month=(today.month - 1) // 3 * 3 + 1), 3 * offset)
        return DateRange(first, add_months(first, 3) - timedelta(days=1), False)
    return DateRange(date(today.year + offset, 1, 1), date(today.year + offset, 12, 31), False)


def pick_year(today: date, month: int, day: int, year: str | None, prefer: Prefer) -> date:
    """The date with that day and month nearest `today` on the preferred side."""
    if year:
        return date(int(year), month, day)
    candidate = date(today.year, month, min(day, cal.monthrange(today.year, month)[1]))
    if prefer == "past" and candidate > today:
        return candidate.replace(year=today.year - 1, day=min(day, cal.monthrange(
            today.year - 1, month)[1]))
    if prefer == "future" and candidate < today:
        return candidate.replace(year=today.year + 1, day=min(day, cal.monthrange(
            today.year + 1, month)[1]))
    return candidate


Handler = Callable[[re.Match[str], date, Prefer], DateRange | None]
RULES: list[tuple[re.Pattern[str], Handler]] = []


def date_rule(pattern: str) -> Callable[[Handler], Handler]:
    """Register a recogniser for `pattern` (whole words, case-insensitive)."""
    def register(handler: Handler) -> Handler:
        RULES.append((re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), handler))
        return handler
    return register
