"""The sponsored message in the conversation list, and the user's own ad profile.

The ads service runs on its own engine (in PostgreSQL mode: a role with grants on ad tables
only) and takes nothing but the user's stated interests and region.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from chatbank.ads.model import AdProfile
from chatbank.ads.services import AdService
from chatbank.bootstrap import Platform
from chatbank.web.deps import AuthDep, PlatformDep
from chatbank.web.schemas import Body

router = APIRouter(prefix="/api/v1/ads")


class AdProfileIn(Body):
    interests: list[str] = Field(max_length=20)
    region: str | None = Field(default=None, max_length=40)
    show_ads: bool = True


def _ads(platform: Platform) -> AdService:
    assert platform.ads is not None
    return platform.ads


def profile_out(profile: AdProfile) -> dict[str, Any]:
    return {"interests": sorted(str(i) for i in profile.interests), "region": profile.region,
            "show_ads": profile.show_ads}


@router.get("/slot")
async def ad_slot(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    """The one sponsored message for the conversation list, or null."""
    ad = await _ads(platform).ad_for_user(auth.user.id)
    return {"ad": None if ad is None else {"id": ad.id, "title": ad.title, "body": ad.body}}


@router.get("/profile")
async def get_profile(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    return {"profile": profile_out(await _ads(platform).access_ad_profile_by_user(
        auth.user.id))}


@router.put("/profile")
async def put_profile(body: AdProfileIn, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    profile = await _ads(platform).do_update_ad_profile(auth.user.id, body.interests,
                                                        body.region, body.show_ads)
    return {"profile": profile_out(profile)}
