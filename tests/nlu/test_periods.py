"""Dates and periods relative to `today`: the issue's examples and calendar properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatbank.assistant.nlu import find_periods, parse_period

TODAY = date(2022, 3, 15)  # a Tuesday, as in NLU++
todays = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(("text", "start", "end"), [
    ("how much did I spend last month", date(2022, 2, 1), date(2022, 2, 28)),
    ("spending this month", date(2022, 3, 1), date(2022, 3, 31)),
    ("what have I spent since March", date(2022, 3, 1), TODAY),
    ("in the last 2 weeks", date(2022, 3, 1), TODAY),
    ("yesterday", date(2022, 3, 14), date(2022, 3, 14)),
    ("last year", date(2021, 1, 1), date(2021, 12, 31)),
    ("what did I pay on 3 May", date(2021, 5, 3), date(2021, 5, 3)),
    ("from Feb 17 to Mar 4", date(2022, 2, 17), date(2022, 3, 4)),
    ("this week", date(2022, 3, 14), date(2022, 3, 20)),
    ("this quarter", date(2022, 1, 1), date(2022, 3, 31)),
    ("8 weeks ago", date(2022, 1, 18), date(2022, 1, 18)),
    ("last Wednesday", date(2022, 3, 9), date(2022, 3, 9)),
    ("7th of Jan 2018", date(2018, 1, 7), date(2018, 1, 7)),
])
def test_issue_examples_resolve_against_today(text: str, start: date, end: date) -> None:
    assert parse_period(text, TODAY) == (start, end)


def test_scheduling_looks_ahead_when_asked() -> None:
    assert parse_period("pay it on 3 May", TODAY, prefer="future") == (date(2022, 5, 3),) * 2
    assert parse_period("in 7 days", TODAY) == (date(2022, 3, 22),) * 2


def test_may_the_verb_is_not_a_month() -> None:
    assert parse_period("may I see my balance", TODAY) is None


@settings(max_examples=60, deadline=None)
@given(todays)
def test_last_month_is_the_whole_previous_calendar_month(today: date) -> None:
    start, end = parse_period("last month", today) or (None, None)
    assert start is not None and end is not None
    assert start.day == 1 and (end + timedelta(days=1)).day == 1
    assert end < today.replace(day=1) and end + timedelta(days=1) == today.replace(day=1)


@settings(max_examples=60, deadline=None)
@given(todays, st.integers(min_value=1, max_value=400),
       st.sampled_from(["days", "weeks", "months", "years"]))
def test_the_last_n_units_end_today_and_start_before(today: date, n: int, unit: str) -> None:
    start, end = parse_period(f"in the last {n} {unit}", today) or (None, None)
    assert end == today
    assert start is not None and start < today
    if unit == "days":
        assert (today - start).days == n


@settings(max_examples=60, deadline=None)
@given(todays, st.sampled_from(["yesterday", "today", "tomorrow"]))
def test_named_days_are_single_days(today: date, word: str) -> None:
    offset = {"yesterday": -1, "today": 0, "tomorrow": 1}[word]
    assert parse_period(word, today) == (today + timedelta(days=offset),) * 2


@settings(max_examples=60, deadline=None)
@given(todays, st.integers(min_value=1, max_value=28),
       st.sampled_from(["January", "Feb", "March", "may", "June", "Sept", "December"]))
def test_day_month_dates_fall_on_the_preferred_side_of_today(today: date, day: int,
                                                            month: str) -> None:
    past = parse_period(f"on {day} {month}", today)
    future = parse_period(f"on {day} {month}", today, prefer="future")
    assert past is not None and future is not None
    assert past[0] == past[1] <= today <= future[0] == future[1]
    assert past[0].day == future[0].day == day


@settings(max_examples=60, deadline=None)
@given(todays, st.text(max_size=40))
def test_every_period_found_is_ordered(today: date, text: str) -> None:
    for period in find_periods(text, today):
        assert period.start <= period.end
        assert 0 <= period.span[0] < period.span[1] <= len(text)
