"""The assistant's slot parsers on generated sentences built from their own vocabulary.

Random text rarely hits a rule; sentences assembled from period words, numbers, month names
and connectives do, so edge cases (31 February, year 9999, "the last 0 days") are reached.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from chatbank.assistant.nlu import find_names, find_periods, match_name, parse_period

WORDS = ["last", "this", "next", "since", "from", "to", "until", "between", "and", "on", "in",
         "the", "of", "ago", "past", "week", "weeks", "month", "months", "year", "years", "day",
         "days", "quarter", "yesterday", "today", "tomorrow", "January", "Feb", "March", "may",
         "Sept", "December", "Monday", "wed", "weekend", "1st", "2nd", "31st", "29", "30",
         "2018", "9999", "0", "-3", "12/13", "31/02", "2024-02-30", "fortnight", "Q4", "h1"]
sentences = st.lists(st.one_of(st.sampled_from(WORDS), st.integers(-5, 10_000).map(str)),
                     max_size=9).map(" ".join)
todays = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(sentences, todays, st.sampled_from(["past", "future"]))
def test_periods_never_crash_and_are_ordered(text: str, today: date, prefer: str) -> None:
    for period in find_periods(text, today, prefer=prefer):
        assert period.start <= period.end
        assert 0 <= period.span[0] < period.span[1] <= len(text)
    whole = parse_period(text, today, prefer=prefer)
    if whole is not None:
        assert whole[0] <= whole[1]


names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)


@SETTINGS
@given(names, st.lists(names, max_size=6))
def test_name_matching_never_crashes_on_any_unicode(query: str, candidates: list[str]) -> None:
    found = match_name(query, candidates)
    assert found.name is None or found.name in candidates
    assert 0.0 <= found.confidence <= 1.0


@SETTINGS
@given(st.lists(st.one_of(names, st.sampled_from(["and", ",", "with", "to", "sam"])),
                max_size=8).map(" ".join), st.lists(names, max_size=5))
def test_names_found_in_sentences_are_candidates_with_real_spans(
        text: str, candidates: list[str]) -> None:
    for match in find_names(text, candidates):
        assert match.name in candidates
        if match.span is not None:
            assert 0 <= match.span[0] < match.span[1] <= len(text)


def test_periods_beyond_the_calendar_are_no_period_rather_than_a_crash() -> None:
    assert parse_period("in the last 3000 years", date(2000, 1, 1)) is None
    assert parse_period("in the last 99999999 days", date(2000, 1, 1)) is None
