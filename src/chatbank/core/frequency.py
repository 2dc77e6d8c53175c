"""UK Open Banking standing-order frequencies and the payment dates they give. Pure Python:
the bank schedules standing orders with it, the assistant reads their coming payments.

`parse_frequency("IntrvlWkDay:01:03")` reads an OB `Frequency` code once; the schedule it
returns answers `next_after(day)`: the first payment date strictly after `day`.

A payment date is on the pattern (a Wednesday for `IntrvlWkDay:02:03`); the next one is the
interval later (two weeks). A first payment date off the pattern (the customer chose a Monday)
is followed by the first pattern date after it, and the interval counts from there.
Weekdays are ISO (01 Monday … 07 Sunday); a day of month past the month's end is its last day
(`IntrvlMnthDay:01:31` pays on 30 April); `-01` is the last day of the month, `-05` the fifth
from last. Bank holidays are not modelled: only `EvryWorkgDay` skips weekends.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

QUARTER_DAYS: dict[str, tuple[tuple[int, int], ...]] = {
    "ENGLISH": ((3, 25), (6, 24), (9, 29), (12, 25)),
    "SCOTTISH": ((2, 2), (5, 15), (8, 1), (11, 11)),
    "RECEIVED": ((3, 20), (6, 19), (9, 24), (12, 20)),
}
MONTH_INTERVALS = frozenset({1, 2, 3, 4, 5, 6, 12, 24})
_PATTERN = re.compile(
    r"^(?:(?P<day>EvryDay)|(?P<workday>EvryWorkgDay)|IntrvlDay:(?P<days>\d\d)"
    r"|IntrvlWkDay:(?P<weeks>\d\d):(?P<wk_day>\d\d)"
    r"|WkInMnthDay:(?P<week>\d\d):(?P<wm_day>\d\d)"
    r"|IntrvlMnthDay:(?P<months>\d\d):(?P<month_day>-?\d\d)"
    r"|QtrDay:(?P<quarter>ENGLISH|SCOTTISH|RECEIVED))$")


class FrequencyError(ValueError):
    """A Frequency code this bank cannot schedule; `code` is stable."""

    code = "frequency_invalid"


class Schedule(Protocol):
    def next_after(self, day: date) -> date:
        """The first payment date strictly after `day`."""

    def is_payment_date(self, day: date) -> bool:
        """Whether `day` is on the pattern."""


@dataclass(frozen=True)
class EveryDays:
    """`EvryDay` (every 1 day) and `IntrvlDay:NN` (every NN calendar days)."""

    days: int

    def next_after(self, day: date) -> date:
        return day + timedelta(days=self.days)

    def is_payment_date(self, day: date) -> bool:
        return True


@dataclass(frozen=True)
class EveryWorkingDay:
    """`EvryWorkgDay`: Monday to Friday."""

    def next_after(self, day: date) -> date:
        following = day + timedelta(days=1)
        while not self.is_payment_date(following):
            following += timedelta(days=1)
        return following

    def is_payment_date(self, day: date) -> bool:
        return day.isoweekday() <= 5


@dataclass(frozen=True)
class Weekly:
    """`IntrvlWkDay:NN:D`: every NN weeks on ISO weekday D."""

    weeks: int
    weekday: int

    def _in_week_of(self, day: date) -> date:
        return day + timedelta(days=self.weekday - day.isoweekday())

    def next_after(self, day: date) -> date:
        candidate = self._in_week_of(day)
        if candidate == day:
            return day + timedelta(weeks=self.weeks)
        return candidate if candidate > day else candidate + timedelta(weeks=1)

    def is_payment_date(self, day: date) -> bool:
        return day.isoweekday() == self.weekday


@dataclass(frozen=True)
class _Monthly:
    """A pattern with one payment date per month, every `months` months."""

    months: int
    day_in: Callable[[int, int], date]  # (year, month) → that month's pattern date

    def next_after(self, day: date) -> date:
        candidate = self.day_in(day.year, day.month)
        if candidate == day:
            return self._months_later(day, self.months)
        return candidate if candidate > day else self._months_later(day, 1)

    def _months_later(self, day: date, months: int) -> date:
        index = day.year * 12 + day.month - 1 + months
        return self.day_in(index // 12, index % 12 + 1)

    def is_payment_date(self, day: date) -> bool:
        return self.day_in(day.year, day.month) == day


def day_of_month(day: int) -> Callable[[int, int], date]:
    """Day 1..31 (clamped to the month's last day) or -1..-5 counted from the month's end."""
    def day_in(year: int, month: int) -> date:
        last = calendar.monthrange(year, month)[1]
        return date(year, month, min(day, last) if day > 0 else last + day + 1)
    return day_in


def weekday_of_month(week: int, weekday: int) -> Callable[[int, int], date]:
    """The `week`-th ISO `weekday` of the month; week 5 is the last one when there is no fifth."""
    def day_in(year: int, month: int) -> date:
        first = date(year, month, 1)
        day = 1 + (weekday - first.isoweekday()) % 7 + 7 * (week - 1)
        if day > calendar.monthrange(year, month)[1]:
            day -= 7
        return date(year, month, day)
    return day_in


@dataclass(frozen=True)
class QuarterDays:
    """`QtrDay:…`: four fixed days a year."""

    days: tuple[tuple[int, int], ...]

    def next_after(self, day: date) -> date:
        for year in (day.year, day.year + 1):
            for month, day_of in self.days:
                if date(year, month, day_of) > day:
                    return date(year, month, day_of)
        raise AssertionError("a later year always has quarter days")  # pragma: no cover

    def is_payment_date(self, day: date) -> bool:
        return (day.month, day.day) in self.days


def _number(text: str, low: int, high: int) -> int:
    value = int(text)
    if not low <= value <= high:
        raise FrequencyError(f"{text} is outside {low:02d}..{high:02d}.")
    return value


@functools.lru_cache(maxsize=256)  # schedules are immutable; a listing parses the same codes
def parse_frequency(code: str) -> Schedule:
    """The schedule of an OB Frequency code; `FrequencyError` for anything else."""
    match = _PATTERN.match(code)
    if match is None:
        raise FrequencyError(f"{code!r} is not an OB standing-order Frequency.")
    part = match.groupdict()
    if part["day"]:
        return EveryDays(1)
    if part["workday"]:
        return EveryWorkingDay()
    if part["days"]:
        return EveryDays(_number(part["days"], 2, 31))
    if part["weeks"]:
        return Weekly(_number(part["weeks"], 1, 9), _number(part["wk_day"], 1, 7))
    if part["week"]:
        return _Monthly(1, weekday_of_month(_number(part["week"], 1, 5),
                                            _number(part["wm_day"], 1, 7)))
    if part["months"]:
        months = _number(part["months"], 1, 24)
        day = int(part["month_day"])
        if months not in MONTH_INTERVALS or not (1 <= day <= 31 or -5 <= day <= -1):
            raise FrequencyError(f"{code!r}: months 01-06, 12 or 24; day 01-31 or -01..-05.")
        return _Monthly(months, day_of_month(day))
    return QuarterDays(QUARTER_DAYS[part["quarter"]])
