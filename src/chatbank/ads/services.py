"""Use cases of the ads context: the user edits their ad profile; the list shows one ad."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.ads.adapters.sql_ads import SqlAds
from chatbank.ads.model import Ad, AdProfile, choose_ad, clean_region, parse_interests
from chatbank.core.clock import Clock, SystemClock


class AdService:
    """Runs on the ads database engine (in PostgreSQL mode: the `chatbank_ads` role)."""

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()

    async def access_ad_profile_by_user(self, user_id: str) -> AdProfile:
        """The user's own ad profile (empty until they pick interests)."""
        async with self.engine.connect() as conn:
            profile = await SqlAds(conn).profile(user_id)
        return profile or AdProfile(user_id)

    async def do_update_ad_profile(self, user_id: str, interests: Iterable[str],
                                   region: str | None, show_ads: bool = True) -> AdProfile:
        """Replace the user's interests and region (raises `unknown_interest`/`invalid_region`)."""
        profile = AdProfile(user_id, parse_interests(interests), clean_region(region), show_ads)
        async with self.engine.begin() as conn:
            await SqlAds(conn).save_profile(profile, self.clock.now())
        return profile

    async def ad_for_user(self, user_id: str) -> Ad | None:
        """The sponsored message for the user's conversation list, or None."""
        async with self.engine.connect() as conn:
            ads = SqlAds(conn)
            profile = await ads.profile(user_id) or AdProfile(user_id)
            catalogue = await ads.catalogue()
        return choose_ad(profile, catalogue)
