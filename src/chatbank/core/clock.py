"""Time source. Everything reads UTC through here so tests can move time explicitly."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock UTC time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Attach UTC to naive datetimes read back from SQLite."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
