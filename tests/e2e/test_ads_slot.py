"""The sponsored slot in the conversation list follows only what the user said they like."""

from __future__ import annotations

from tests.support.api import Api


async def test_the_ad_follows_stated_interests_and_can_be_turned_off(alice: Api) -> None:
    await alice.call("PUT", "/ads/profile", {"interests": ["travel"], "region": "GB"}, expect=200)
    first = (await alice.call("GET", "/ads/slot", expect=200))["ad"]
    assert first is not None and first["title"]
    await alice.call("PUT", "/ads/profile", {"interests": ["music"], "region": "GB"}, expect=200)
    second = (await alice.call("GET", "/ads/slot", expect=200))["ad"]
    assert second is not None and second["id"] != first["id"]
    await alice.call("PUT", "/ads/profile", {"interests": [], "show_ads": False}, expect=200)
    assert (await alice.call("GET", "/ads/slot", expect=200))["ad"] is None


async def test_unknown_interests_are_refused(alice: Api) -> None:
    refused = await alice.call("PUT", "/ads/profile", {"interests": ["salary"]}, expect=422)
    assert refused["error"]["code"] == "unknown_interest"
