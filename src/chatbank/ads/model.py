"""Which sponsored message to show, from what the user told us they like (pure).

The only inputs are the user's stated interests and region and the catalogue. Nothing about
money can be passed in: `AdProfile` has no field for it, and this package cannot import the
contexts that hold bank data (import-linter contract).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from chatbank.core.errors import InvalidInput

_REGION = re.compile(r"^[a-z][a-z-]{1,39}$")


class Interest(StrEnum):
    """Topics a user can say they are interested in."""

    TRAVEL = "travel"
    MUSIC = "music"
    FOOD = "food"
    FITNESS = "fitness"
    BOOKS = "books"
    FILM = "film"
    GAMING = "gaming"
    OUTDOORS = "outdoors"


@dataclass(frozen=True, slots=True)
class AdProfile:
    """What the user chose to tell the ads context. Edited by the user only."""

    user_id: str
    interests: frozenset[Interest] = frozenset()
    region: str | None = None
    show_ads: bool = True


@dataclass(frozen=True, slots=True)
class Ad:
    """One sponsored message in the catalogue."""

    id: str
    title: str
    body: str
    interests: frozenset[Interest]
    regions: frozenset[str] = frozenset()  # empty: everywhere
    priority: int = 0
    active: bool = True


def parse_interests(names: Iterable[str]) -> frozenset[Interest]:
    """The interests named; raises `unknown_interest` for a name we do not offer."""
    chosen: set[Interest] = set()
    for name in names:
        try:
            chosen.add(Interest(name.strip().lower()))
        except ValueError:
            raise InvalidInput("unknown_interest",
                               f"{name[:40]!r} is not one of the interests you can pick.") from None
    return frozenset(chosen)


def clean_region(region: str | None) -> str | None:
    """A region slug such as ``"london"``, or None; raises `invalid_region`."""
    if region is None or not region.strip():
        return None
    slug = region.strip().lower()
    if not _REGION.match(slug):
        raise InvalidInput("invalid_region", "A region is a short name such as 'london'.")
    return slug


def _fits(ad: Ad, profile: AdProfile) -> bool:
    in_region = not ad.regions or (profile.region is not None and profile.region in ad.regions)
    return ad.active and in_region and bool(ad.interests & profile.interests)


def choose_ad(profile: AdProfile, catalogue: Sequence[Ad]) -> Ad | None:
    """The best-matching ad, or None. Same profile and catalogue → same answer, in any order.

    Best: most shared interests, then a regional ad over a national one, then priority, then id.
    """
    if not profile.show_ads:
        return None
    candidates = [ad for ad in catalogue if _fits(ad, profile)]
    if not candidates:
        return None
    return min(candidates, key=lambda ad: (-len(ad.interests & profile.interests),
                                           -bool(ad.regions), -ad.priority, ad.id))


SEEDED_CATALOGUE: tuple[Ad, ...] = (
    Ad("ad_rail_breaks", "Weekend rail breaks", "Two cities, one weekend, no car needed.",
       frozenset({Interest.TRAVEL}), priority=2),
    Ad("ad_edinburgh_escapes", "Escape Edinburgh for the Highlands",
       "Small-group trips leaving Waverley every Saturday.",
       frozenset({Interest.TRAVEL, Interest.OUTDOORS}), frozenset({"edinburgh"}), priority=3),
    Ad("ad_gigs_tonight", "Gigs near you tonight", "Last-minute tickets to small venues.",
       frozenset({Interest.MUSIC}), frozenset({"london", "manchester"}), priority=2),
    Ad("ad_music_trial", "Three months of music on us", "Ad-free streaming, cancel any time.",
       frozenset({Interest.MUSIC}), priority=1),
    Ad("ad_street_food", "Street food markets this weekend", "Forty traders under one roof.",
       frozenset({Interest.FOOD}), frozenset({"london"}), priority=2),
    Ad("ad_recipe_box", "Recipes in a box", "Five-ingredient dinners delivered weekly.",
       frozenset({Interest.FOOD}), priority=1),
    Ad("ad_parkrun", "Run 5k with your neighbours", "Free, timed, every Saturday morning.",
       frozenset({Interest.FITNESS, Interest.OUTDOORS}), priority=2),
    Ad("ad_gym_pass", "A gym day pass for a fiver", "No contract; pick any partner gym.",
       frozenset({Interest.FITNESS}), priority=1),
    Ad("ad_book_club", "A book club in your chats", "One novel a month, discussed in a group.",
       frozenset({Interest.BOOKS}), priority=1),
    Ad("ad_film_nights", "Independent film nights", "Classics and premieres, two for one.",
       frozenset({Interest.FILM}), priority=1),
)
