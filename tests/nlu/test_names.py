"""Matching contacts, payees and merchants against the caller's candidate lists."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chatbank.assistant.nlu import find_name, find_names, match_name

names = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll")), min_size=2,
                max_size=10)


def test_first_name_matches_and_flags_the_other_sam() -> None:
    found = match_name("sam", ["Sam Smith", "Samantha Jones"])
    assert found.name == "Sam Smith"
    assert found.ambiguous
    assert [name for name, _ in found.ranked] == ["Sam Smith", "Samantha Jones"]


def test_a_unique_first_name_is_not_ambiguous() -> None:
    found = match_name("tom", ["Sam Smith", "Tom Baker"])
    assert (found.name, found.ambiguous) == ("Tom Baker", False)
    assert found.confidence >= 0.9


def test_typos_match_with_lower_confidence() -> None:
    found = match_name("alx", ["Alex Green", "Amazon"])
    assert found.name == "Alex Green"
    assert 0.6 <= found.confidence < 0.9


def test_unknown_names_match_nothing() -> None:
    assert match_name("zed", ["Sam Smith", "Tesco"]).name is None


def test_names_are_found_inside_sentences_with_their_span() -> None:
    text = "how much did I spend at tesco last month"
    found = find_name(text, ["Tesco Express", "Amazon"])
    assert found is not None and found.name == "Tesco Express"
    assert found.span is not None and text[found.span[0] : found.span[1]] == "tesco"


def test_accents_and_case_do_not_matter() -> None:
    assert match_name("ZOE", ["Zoë O'Neil"]).name == "Zoë O'Neil"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(names, names), min_size=1, max_size=6, unique=True), st.data())
def test_the_exact_full_name_always_wins_with_full_confidence(
        people: list[tuple[str, str]], data: st.DataObject) -> None:
    candidates = [f"{first} {last}" for first, last in people]
    chosen = data.draw(st.sampled_from(candidates))
    found = match_name(chosen.casefold(), candidates)
    assert found.confidence == 1.0
    assert found.name is not None and found.name.casefold() == chosen.casefold()


@settings(max_examples=60, deadline=None)
@given(names, st.lists(names, max_size=5))
def test_confidence_is_a_probability_and_ranked_is_sorted(query: str,
                                                         candidates: list[str]) -> None:
    found = match_name(query, candidates)
    assert 0.0 <= found.confidence <= 1.0
    scores = [score for _, score in found.ranked]
    assert scores == sorted(scores, reverse=True)
    assert (found.name is None) == (not found.ranked)


def test_every_contact_named_is_found_once() -> None:
    found = find_names("split it with sam, alex and Sam", ["Sam Smith", "Alex Green", "Bo"])
    assert [m.name for m in found] == ["Sam Smith", "Alex Green"]
