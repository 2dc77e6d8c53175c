"""The recognisers of `calendar`, one function per kind of expression."""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from chatbank.assistant.nlu.slots.calendar import (
    COUNT,
    DAYS,
    MONTH,
    MONTHS,
    ORD,
    UNIT,
    WEEKDAY,
    YEAR,
    DateRange,
    Prefer,
    add_months,
    calendar_unit,
    count_of,
    date_rule,
    month_range,
    pick_year,
    shift,
)


def _day(day: date) -> DateRange:
    return DateRange(day, day, True)


@date_rule(r"today|tonight|this (?:morning|afternoon|evening)|right now")
def _today(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    return _day(today)


@date_rule(r"yesterday|last night")
def _yesterday(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    return _day(today - timedelta(days=1))


@date_rule(r"(?:the )?day after tomorrow|tomorrow")
def _tomorrow(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    return _day(today + timedelta(days=2 if "after" in m[0].lower() else 1))


@date_rule(rf"{COUNT}\s+{UNIT}\s+ago")
def _ago(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    return _day(shift(today, m["unit"].lower(), -count_of(m["count"].lower())))


@date_rule(rf"(?P<ahead>in\s+)?{COUNT}\s+{UNIT}(?P<now>\s+from now)?")
def _ahead(m: re.Match[str], today: date, prefer: Prefer) -> DateRange | None:
    if not (m["ahead"] or m["now"]):
        return None
    return _day(shift(today, m["unit"].lower(), count_of(m["count"].lower())))


@date_rule(rf"(?:in |over |during |for )?(?:the )?(?:last|past|previous)\s+{COUNT}\s+{UNIT}")
def _last_n(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    return DateRange(shift(today, m["unit"].lower(), -count_of(m["count"].lower())), today, False)


@date_rule(r"(?:in |over |during |for )?(?:the )?(?P<which>this|current|last|previous|past|next|"
       r"coming)\s+(?P<unit>week|month|quarter|year)")
def _relative_unit(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    offset = {"this": 0, "current": 0, "last": -1, "previous": -1, "past": -1, "next": 1,
              "coming": 1}[m["which"].lower()]
    return calendar_unit(today, m["unit"].lower(), offset)


@date_rule(rf"(?:(?P<which>last|next|this|on)\s+)?{WEEKDAY}")
def _weekday(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    target = DAYS.index(m["weekday"].lower())
    which = (m["which"] or "").lower()
    back = (today.weekday() - target) % 7 or 7
    ahead = (target - today.weekday()) % 7 or 7
    if which == "last" or (which in ("", "on") and prefer == "past"):
        return _day(today - timedelta(days=back))
    return _day(today + timedelta(days=ahead))


@date_rule(rf"(?:the\s+)?{ORD}(?:\s+of)?\s+{MONTH}{YEAR}")
@date_rule(rf"{MONTH}\s+(?:the\s+)?{ORD}{YEAR}")
def _day_month(m: re.Match[str], today: date, prefer: Prefer) -> DateRange | None:
    day = int(m["day"])
    month = MONTHS[m["month"].lower()]
    if not 1 <= day <= 31:
        return None
    try:
        return _day(pick_year(today, month, day, m["year"], prefer))
    except ValueError:
        return None


@date_rule(r"(?P<d>[0-3]?\d)/(?P<mo>[01]?\d)/(?P<y>(?:19|20)?\d\d)|(?P<iy>(?:19|20)\d\d)-"
       r"(?P<im>[01]\d)-(?P<id>[0-3]\d)")
def _numeric(m: re.Match[str], today: date, prefer: Prefer) -> DateRange | None:
    try:
        if m["iy"]:
            return _day(date(int(m["iy"]), int(m["im"]), int(m["id"])))
        year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
        return _day(date(year, int(m["mo"]), int(m["d"])))  # UK order: day/month/year
    except ValueError:
        return None


@date_rule(rf"(?:(?:in|during|for|of)\s+)?{MONTH}{YEAR}")
def _month(m: re.Match[str], today: date, prefer: Prefer) -> DateRange | None:
    name = m["month"].lower()
    if name in ("may", "mar", "jan", "jun", "jul", "aug", "oct", "dec", "sep") and not (
        m[0][0].isupper() or m["year"] or m[0].lower().startswith(("in", "during", "for", "of"))
    ):
        return None  # "may" and the short forms are too often ordinary words
    month = MONTHS[name]
    if m["year"]:
        return month_range(int(m["year"]), month)
    first = pick_year(today, month, 1, None, prefer)
    if prefer == "past" and month == today.month:
        first = today.replace(day=1)
    return month_range(first.year, first.month)


@date_rule(rf"(?:on\s+)?the\s+{ORD}(?=\s|$|[.,?!])(?!\s+of\s+(?:each|every)\b)")
def _day_of_month(m: re.Match[str], today: date, prefer: Prefer) -> DateRange | None:
    day = int(m["day"])
    if not 1 <= day <= 31 or not re.search(r"(st|nd|rd|th)$", m[0], re.IGNORECASE):
        return None
    step = -1 if prefer == "past" else 1
    first = today.replace(day=1)
    for months in (0, step, 2 * step):
        month = add_months(first, months)
        if day <= monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if months != 0 or (candidate <= today if prefer == "past" else candidate >= today):
                return _day(candidate)
    return None


@date_rule(r"recently|lately|of late")
def _recently(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    # "Recently" has no calendar meaning; for spending questions the last 30 days is the norm.
    return DateRange(today - timedelta(days=30), today, False)


@date_rule(rf"(?:for |over |during )?(?:the )?(?:next|coming|following)\s+{COUNT}\s+{UNIT}")
def _next_n(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    return DateRange(today, shift(today, m["unit"].lower(), count_of(m["count"].lower())), False)


@date_rule(r"(?:in|during|for|of|since)\s+(?P<year>(?:19|20)\d\d)")
def _year(m: re.Match[str], today: date, prefer: Prefer) -> DateRange:
    year = int(m["year"])
    return DateRange(date(year, 1, 1), date(year, 12, 31), False)
