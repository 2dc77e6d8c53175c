"""SQL repository for ad profiles and the catalogue (ad tables only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.ads.adapters.tables import ad_catalogue, ad_profiles
from chatbank.ads.model import Ad, AdProfile, Interest


def _row_to_ad(row: Any) -> Ad:
    return Ad(id=row.id, title=row.title, body=row.body,
              interests=frozenset(Interest(i) for i in row.interests),
              regions=frozenset(row.regions), priority=row.priority, active=row.active)


class SqlAds:
    """Profiles and catalogue on one open connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def profile(self, user_id: str) -> AdProfile | None:
        row = (await self.conn.execute(
            select(ad_profiles).where(ad_profiles.c.user_id == user_id))).first()
        if row is None:
            return None
        return AdProfile(user_id=row.user_id,
                         interests=frozenset(Interest(i) for i in row.interests),
                         region=row.region, show_ads=row.show_ads)

    async def save_profile(self, profile: AdProfile, updated_at: datetime) -> None:
        values = {"interests": sorted(i.value for i in profile.interests),
                  "region": profile.region, "show_ads": profile.show_ads,
                  "updated_at": updated_at}
        changed = await self.conn.execute(
            update(ad_profiles).where(ad_profiles.c.user_id == profile.user_id).values(**values))
        if changed.rowcount == 0:
            await self.conn.execute(insert(ad_profiles).values(user_id=profile.user_id, **values))

    async def catalogue(self) -> list[Ad]:
        rows = await self.conn.execute(
            select(ad_catalogue).where(ad_catalogue.c.active.is_(True)).order_by(ad_catalogue.c.id))
        return [_row_to_ad(r) for r in rows]
