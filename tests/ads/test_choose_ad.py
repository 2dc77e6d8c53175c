"""Choosing an ad: stated interests and region only, deterministic, in any catalogue order."""

from __future__ import annotations

import dataclasses
import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.ads.adapters.sql_ads import SqlAds
from chatbank.ads.model import (
    SEEDED_CATALOGUE,
    AdProfile,
    Interest,
    choose_ad,
    clean_region,
    parse_interests,
)
from chatbank.core.errors import InvalidInput


def profile(*interests: Interest, region: str | None = None, show: bool = True) -> AdProfile:
    return AdProfile("usr_a", frozenset(interests), region, show)


def test_the_inputs_of_choose_ad_cannot_carry_money() -> None:
    assert list(inspect.signature(choose_ad).parameters) == ["profile", "catalogue"]
    assert [f.name for f in dataclasses.fields(AdProfile)] == [
        "user_id", "interests", "region", "show_ads"]


@pytest.mark.parametrize("chosen, expected", [
    (profile(Interest.TRAVEL), "ad_rail_breaks"),
    (profile(Interest.TRAVEL, region="edinburgh"), "ad_edinburgh_escapes"),
    (profile(Interest.TRAVEL, Interest.OUTDOORS), "ad_parkrun"),
    (profile(Interest.MUSIC, region="manchester"), "ad_gigs_tonight"),
    (profile(Interest.MUSIC, region="cardiff"), "ad_music_trial"),
    (profile(Interest.FOOD, region="london"), "ad_street_food"),
    (profile(Interest.FITNESS), "ad_parkrun"),
    (profile(Interest.BOOKS), "ad_book_club"),
])
def test_the_best_match_for_stated_interests_and_region(chosen: AdProfile, expected: str) -> None:
    ad = choose_ad(chosen, SEEDED_CATALOGUE)
    assert ad is not None and ad.id == expected


def test_no_interests_or_ads_switched_off_means_no_ad() -> None:
    assert choose_ad(profile(), SEEDED_CATALOGUE) is None
    assert choose_ad(profile(Interest.TRAVEL, show=False), SEEDED_CATALOGUE) is None
    assert choose_ad(profile(Interest.GAMING), SEEDED_CATALOGUE) is None


@given(interests=st.frozensets(st.sampled_from(list(Interest))),
       region=st.none() | st.sampled_from(["london", "edinburgh", "manchester", "cardiff"]),
       order=st.permutations(SEEDED_CATALOGUE))
def test_the_choice_depends_on_the_profile_only_not_on_catalogue_order(
        interests: frozenset[Interest], region: str | None, order: list[object]) -> None:
    subject = AdProfile("usr_a", interests, region)
    first = choose_ad(subject, SEEDED_CATALOGUE)
    assert choose_ad(subject, order) == first  # type: ignore[arg-type]
    assert choose_ad(subject, SEEDED_CATALOGUE) == first
    if first is not None:
        assert first.interests & interests
        assert not first.regions or region in first.regions


def test_profiles_accept_only_offered_interests_and_simple_regions() -> None:
    assert parse_interests([" Travel", "music"]) == {Interest.TRAVEL, Interest.MUSIC}
    assert clean_region(" London ") == "london" and clean_region("") is None
    for bad_interests in (["payday loans"], ["high balance"]):
        with pytest.raises(InvalidInput):
            parse_interests(bad_interests)
    with pytest.raises(InvalidInput):
        clean_region("London; DROP TABLE")


async def test_the_migration_seeds_the_same_catalogue_as_the_code(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        stored = await SqlAds(conn).catalogue()
    assert sorted(stored, key=lambda ad: ad.id) == sorted(SEEDED_CATALOGUE, key=lambda ad: ad.id)
