"""OB Frequency codes → payment dates, and which payment a standing order makes next."""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chatbank.bank.books import StandingOrder
from chatbank.bank.books.standing_plan import (
    Occurrence,
    final_occurrence,
    following,
    occurrence,
    upcoming,
)
from chatbank.bank.openbanking.schemas import FREQUENCY
from chatbank.core.frequency import FrequencyError, parse_frequency

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def two(low: int, high: int) -> st.SearchStrategy[str]:
    return st.integers(low, high).map(lambda n: f"{n:02d}")


FREQUENCIES = st.one_of(
    st.just("EvryDay"), st.just("EvryWorkgDay"),
    two(2, 31).map(lambda n: f"IntrvlDay:{n}"),
    st.tuples(two(1, 9), two(1, 7)).map(lambda p: f"IntrvlWkDay:{p[0]}:{p[1]}"),
    st.tuples(two(1, 5), two(1, 7)).map(lambda p: f"WkInMnthDay:{p[0]}:{p[1]}"),
    st.tuples(st.sampled_from(["01", "02", "03", "04", "05", "06", "12", "24"]),
              st.one_of(two(1, 31), st.integers(1, 5).map(lambda n: f"-{n:02d}"))).map(
        lambda p: f"IntrvlMnthDay:{p[0]}:{p[1]}"),
    st.sampled_from(["QtrDay:ENGLISH", "QtrDay:SCOTTISH", "QtrDay:RECEIVED"]))


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


@given(FREQUENCIES, DAYS)
def test_every_spec_frequency_parses_and_its_next_date_is_later_and_on_the_pattern(
        code: str, day: date) -> None:
    assert re.match(FREQUENCY, code)
    schedule = parse_frequency(code)
    after = schedule.next_after(day)
    assert after > day
    assert schedule.is_payment_date(after)
    assert after - day <= timedelta(days=24 * 31 + 31)


@given(FREQUENCIES, DAYS)
def test_from_a_payment_date_no_payment_date_is_skipped_within_the_interval(
        code: str, day: date) -> None:
    schedule = parse_frequency(code)
    start = schedule.next_after(day)  # on the pattern
    after = schedule.next_after(start)
    kind, *numbers = code.split(":")
    if kind in ("EvryDay", "EvryWorkgDay", "WkInMnthDay", "QtrDay"):
        between = (start + timedelta(days=n) for n in range(1, (after - start).days))
        assert not any(schedule.is_payment_date(d) for d in between)
    elif kind == "IntrvlDay":
        assert (after - start).days == int(numbers[0])
    elif kind == "IntrvlWkDay":
        assert (after - start).days == 7 * int(numbers[0])
        assert after.isoweekday() == int(numbers[1])
    else:
        assert months_between(start, after) == int(numbers[0])


@given(DAYS, st.integers(-5, 31).filter(lambda n: n != 0))
def test_a_day_of_month_is_clamped_to_short_months_or_counted_from_the_end(
        day: date, day_of_month: int) -> None:
    after = parse_frequency(f"IntrvlMnthDay:01:{day_of_month:03d}"
                            if day_of_month < 0 else f"IntrvlMnthDay:01:{day_of_month:02d}")
    paid = after.next_after(day)
    last = calendar.monthrange(paid.year, paid.month)[1]
    expected = last + day_of_month + 1 if day_of_month < 0 else min(day_of_month, last)
    assert paid.day == expected


@pytest.mark.parametrize(("code", "day", "expected"), [
    ("IntrvlWkDay:01:03", date(2026, 11, 25), date(2026, 12, 2)),  # Wed → next Wed
    ("IntrvlWkDay:02:03", date(2026, 11, 23), date(2026, 11, 25)),  # Mon → that Wed
    ("IntrvlWkDay:01:01", date(2026, 11, 27), date(2026, 11, 30)),  # Fri → next Mon
    ("EvryWorkgDay", date(2026, 11, 27), date(2026, 11, 30)),  # Friday → Monday
    ("IntrvlMnthDay:01:31", date(2027, 1, 31), date(2027, 2, 28)),
    ("IntrvlMnthDay:01:-01", date(2028, 1, 31), date(2028, 2, 29)),
    ("IntrvlMnthDay:03:15", date(2026, 11, 15), date(2027, 2, 15)),
    ("IntrvlMnthDay:01:15", date(2026, 11, 20), date(2026, 12, 15)),  # off-pattern first
    ("WkInMnthDay:05:05", date(2026, 11, 27), date(2026, 12, 25)),  # last Friday
    ("WkInMnthDay:01:01", date(2026, 11, 25), date(2026, 12, 7)),  # first Monday
    ("QtrDay:ENGLISH", date(2026, 12, 25), date(2027, 3, 25)),
    ("QtrDay:SCOTTISH", date(2026, 11, 25), date(2027, 2, 2)),
    ("QtrDay:RECEIVED", date(2026, 6, 19), date(2026, 9, 24)),
])
def test_known_next_dates(code: str, day: date, expected: date) -> None:
    assert parse_frequency(code).next_after(day) == expected


@pytest.mark.parametrize("code", ["Sometimes", "IntrvlWkDay:00:03", "IntrvlWkDay:01:08",
                                  "IntrvlMnthDay:07:01", "IntrvlMnthDay:01:-06",
                                  "IntrvlMnthDay:01:32", "WkInMnthDay:06:01", "IntrvlDay:01",
                                  "QtrDay:WELSH", "NotKnown", ""])
def test_codes_outside_the_spec_are_refused_with_a_stable_code(code: str) -> None:
    with pytest.raises(FrequencyError) as refused:
        parse_frequency(code)
    assert refused.value.code == "frequency_invalid"


ORDER = StandingOrder(
    id="dso_x", account_id="acc", frequency="IntrvlWkDay:01:03", reference="Rent",
    first_payment_date=date(2026, 11, 25), next_payment_date=date(2026, 11, 25),
    final_payment_date=None, amount_minor=2000, currency="GBP", creditor_name="Bob",
    creditor_sort_code="200000", creditor_account_number="12345678", status="Active",
    first_amount_minor=500, final_amount_minor=100)


def dates_and_amounts(order: StandingOrder, limit: int = 20) -> list[tuple[date, int]]:
    current = occurrence(order, 1, order.first_payment_date)
    seen = [(current.payment_date, current.amount_minor)]
    while (nxt := following(order, current)) is not None and len(seen) < limit:
        seen.append((nxt.payment_date, nxt.amount_minor))
        current = nxt
    return seen


def test_number_of_payments_ends_the_order_with_the_final_amount() -> None:
    assert dates_and_amounts(replace(ORDER, number_of_payments=3)) == [
        (date(2026, 11, 25), 500), (date(2026, 12, 2), 2000), (date(2026, 12, 9), 100)]


def test_the_last_payment_of_a_counted_order_is_known_in_advance() -> None:
    counted = replace(ORDER, number_of_payments=3, payments_made=1,
                      next_payment_date=date(2026, 12, 2))
    assert final_occurrence(counted) == Occurrence(3, date(2026, 12, 9), 100, final=True)
    assert final_occurrence(ORDER) is None  # open-ended
    assert final_occurrence(replace(counted, status="Inactive", next_payment_date=None)) is None


def test_the_final_date_ends_the_order_at_the_last_payment_date_on_or_before_it() -> None:
    order = replace(ORDER, final_payment_date=date(2026, 12, 15))
    assert dates_and_amounts(order) == [
        (date(2026, 11, 25), 500), (date(2026, 12, 2), 2000), (date(2026, 12, 9), 100)]


def test_a_recurring_date_moves_the_second_payment_and_the_pattern_follows_it() -> None:
    order = replace(ORDER, recurring_payment_date=date(2026, 11, 27), number_of_payments=3,
                    frequency="EvryDay", final_amount_minor=None)
    assert dates_and_amounts(order) == [
        (date(2026, 11, 25), 500), (date(2026, 11, 27), 2000), (date(2026, 11, 28), 2000)]


def test_an_open_ended_order_keeps_going_and_a_cancelled_one_has_nothing_upcoming() -> None:
    assert len(dates_and_amounts(ORDER)) == 20
    assert upcoming(replace(ORDER, payments_made=1, next_payment_date=date(2026, 12, 2))) == \
        occurrence(ORDER, 2, date(2026, 12, 2))
    assert upcoming(replace(ORDER, status="Inactive", next_payment_date=None)) is None


@given(FREQUENCIES, DAYS, st.integers(1, 12))
def test_an_order_makes_exactly_number_of_payments_on_strictly_later_dates(
        code: str, first: date, count: int) -> None:
    order = replace(ORDER, frequency=code, first_payment_date=first, number_of_payments=count)
    seen = dates_and_amounts(order)
    assert len(seen) == count
    assert all(a[0] < b[0] for a, b in itertools.pairwise(seen))
