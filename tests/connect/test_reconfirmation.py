"""Ninety days after linking (or last confirming), the user is asked in chat to keep the link."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from tests.connect.bank_side import gateway_read
from tests.support.linking import NewUser, PlatformUser, link_bank
from tests.support.stack import Stack


def age_link(stack: Stack, link_id: str, days: int) -> None:
    """Move the link's authorisation back in time (the platform's clock is real)."""
    moment = (datetime.now(UTC) - timedelta(days=days)).replace(tzinfo=None)
    with sqlite3.connect(stack.settings.data_dir / "platform.db") as db:
        db.execute("UPDATE bank_links SET authorised_at = ? WHERE id = ?",
                   (moment.strftime("%Y-%m-%d %H:%M:%S.%f"), link_id))


def notices(user: PlatformUser) -> list[str]:
    chats = user.http.get("/api/v1/conversations").json()["conversations"]
    texts: list[str] = []
    for chat in chats:
        page = user.http.get(f"/api/v1/conversations/{chat['id']}/messages").json()
        texts += [m["text"] or "" for m in page["messages"] if m["sender_id"] != user.user["id"]]
    return [t for t in texts if "a while ago" in t]


def test_an_old_link_asks_once_and_keeping_it_stops_the_question(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    gateway_read(stack.settings, user.user["id"])
    assert notices(user) == []
    age_link(stack, link["id"], days=91)
    gateway_read(stack.settings, user.user["id"])
    gateway_read(stack.settings, user.user["id"])
    assert len(notices(user)) == 1  # asked once, not on every read
    kept = user.post(f"/api/v1/links/{link['id']}/reconfirm")
    assert kept.status_code == 200 and kept.json()["link"]["confirmed_at"]
    log = user.http.get("/api/v1/privacy/access-log").json()["entries"]
    assert log[0]["action"] == "link_reconfirmed"


def test_only_an_active_link_of_your_own_can_be_kept(stack: Stack, new_user: NewUser) -> None:
    alice, mallory = new_user(), new_user("Mallory")
    link = link_bank(stack, alice)
    foreign = mallory.post(f"/api/v1/links/{link['id']}/reconfirm")
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "link_not_found"
    alice.delete(f"/api/v1/links/{link['id']}")
    revoked = alice.post(f"/api/v1/links/{link['id']}/reconfirm")
    assert revoked.status_code == 409 and revoked.json()["error"]["code"] == "link_flow_invalid"
