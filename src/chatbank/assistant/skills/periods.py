"""Periods the reading skills look at, how they are asked of the bank, and how they read aloud.

A question without a period looks back 30 days. The window is sent to the bank as
`fromBookingDateTime`/`toBookingDateTime`, so only that window is fetched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

DEFAULT_LOOKBACK_DAYS = 30
# "until May" parses with an open start; the bank releases at most this much history anyway.
LONGEST_LOOKBACK_DAYS = 730


@dataclass(frozen=True, slots=True)
class Window:
    """Inclusive first and last day."""

    start: date
    end: date

    def bank_params(self) -> dict[str, str]:
        """The OB transactions filter for this window (whole days, UTC).

        The bank reads the window as [from, to), so the end is the next day's midnight: a
        line booked in the last second of the last day (23:59:59.5) is in it.
        """
        after = self.end + timedelta(days=1)
        return {"fromBookingDateTime": f"{self.start.isoformat()}T00:00:00Z",
                "toBookingDateTime": f"{after.isoformat()}T00:00:00Z"}

    def describe(self) -> str:
        """"1 Oct – 31 Oct 2026", "25 Nov 2026"."""
        if self.start == self.end:
            return f"{self.start.day} {self.start:%b %Y}"
        first = f"{self.start.day} {self.start:%b}" + (
            "" if self.start.year == self.end.year else f" {self.start:%Y}")
        return f"{first} – {self.end.day} {self.end:%b %Y}"

    def to_json(self) -> list[str]:
        return [self.start.isoformat(), self.end.isoformat()]

    @classmethod
    def from_json(cls, data: Any) -> Window | None:
        if not isinstance(data, list) or len(data) != 2:
            return None
        return cls(date.fromisoformat(str(data[0])), date.fromisoformat(str(data[1])))


def last_days(today: date, days: int = DEFAULT_LOOKBACK_DAYS) -> Window:
    """The `days` days up to and including today."""
    return Window(today - timedelta(days=days - 1), today)


def window_of(period: tuple[date, date] | None, today: date) -> Window | None:
    """The parsed period clipped to what has happened (no future days for a look back)."""
    if period is None:
        return None
    start = max(period[0], today - timedelta(days=LONGEST_LOOKBACK_DAYS))
    end = min(period[1], today)
    return Window(start, max(start, end)) if start <= today else None


def wider(window: Window, today: date) -> Window:
    """A window three times as long, ending at the same day (for empty results)."""
    length = (window.end - window.start).days + 1
    return Window(max(window.end - timedelta(days=length * 3 - 1),
                      today - timedelta(days=LONGEST_LOOKBACK_DAYS)), window.end)


def ahead(today: date, days: int = DEFAULT_LOOKBACK_DAYS) -> Window:
    """Today and the next `days` days."""
    return Window(today, today + timedelta(days=days))
