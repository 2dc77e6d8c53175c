"""Linking a bank through the real consent pages; reading through the gateway; revoking."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from chatbank.core.errors import ChatbankError
from tests.connect.bank_side import (
    consent_status_at_bank,
    gateway_read,
    open_sealed,
    sealed_tokens,
)
from tests.contract.tpp import field_value, sign_in
from tests.support.linking import (
    NewUser,
    answer_at_bank,
    finish_at_platform,
    link_bank,
)
from tests.support.stack import Stack


def test_linked_balances_match_the_bank_and_every_read_is_in_the_access_log(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    assert link["bank_name"] == "Northbank" and link["purposes"] == ["answer_account_questions"]
    result = gateway_read(stack.settings, user.user["id"])
    (answer,) = result.answers
    bank = stack.banks["northbank"]
    (account_id, balances), = answer.data.items()
    available = next(b for b in balances if b["Type"] == "InterimAvailable")
    assert round(float(available["Amount"]["Amount"]) * 100) == bank.available_minor(
        "alice", account_id)
    log = user.http.get("/api/v1/privacy/access-log").json()["entries"]
    texts = " | ".join(e["text"] for e in log)
    assert "balances" in texts and "Northbank" in texts, texts
    assert [e["action"] for e in log][:2] == ["read", "link_created"]


def test_purpose_not_granted_is_refused_and_audited(stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user, purposes=("spending_insights",))
    with pytest.raises(ChatbankError) as refused:
        gateway_read(stack.settings, user.user["id"])
    assert refused.value.code == "purpose_not_granted"
    entry = user.http.get("/api/v1/privacy/access-log").json()["entries"][0]
    assert entry["allowed"] is False and entry["code"] == "purpose_not_granted"


def test_revoking_deletes_the_consent_at_the_bank_and_shreds_the_tokens(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    sealed = asyncio.run(sealed_tokens(stack.settings, link["id"]))
    revoked = user.delete(f"/api/v1/links/{link['id']}")
    assert revoked.status_code == 200 and revoked.json()["link"]["status"] == "revoked"
    with pytest.raises(ChatbankError) as after:
        gateway_read(stack.settings, user.user["id"])
    assert after.value.code == "link_revoked"
    with pytest.raises(ChatbankError) as shredded:
        asyncio.run(open_sealed(stack.settings, user.user["id"], link["id"], sealed))
    assert shredded.value.code in ("data_key_destroyed", "vault_unreadable")
    assert consent_status_at_bank(stack, link) == "Revoked"


def test_revoking_at_the_bank_is_seen_on_the_next_read_and_the_user_is_told(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link = link_bank(stack, user)
    bank = stack.banks["northbank"]
    with httpx.Client(base_url=bank.url) as browser:
        sign_in(browser, "alice")
        page = browser.get("/dashboard").text
        assert "chatbank" in page
        revoked = browser.post("/dashboard/revoke", data={
            "consent_id": link["consent_id"], "csrf": field_value(page, "csrf")})
        assert revoked.status_code == 303
    result = gateway_read(stack.settings, user.user["id"])
    assert not result.answers and result.failures[0][1].code == "bank_access_revoked"
    assert [lnk["status"] for lnk in user.links()] == ["revoked"]
    chats = user.http.get("/api/v1/conversations").json()["conversations"]
    notice = user.http.get(f"/api/v1/conversations/{chats[0]['id']}/messages").json()
    assert "Northbank" in notice["messages"][-1]["text"]
    assert "stopped working" in notice["messages"][-1]["text"]


def test_forged_and_replayed_callbacks_change_nothing(stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    forged = finish_at_platform(user, {"state": "forged", "code": "x"})
    assert "link_error=" in forged.headers["location"]
    answer = answer_at_bank(stack, user.start_link("northbank", ["answer_account_questions"]))
    assert "linked=" in finish_at_platform(user, answer).headers["location"]
    replayed = finish_at_platform(user, answer)
    assert "link_error=" in replayed.headers["location"]
    assert [link["status"] for link in user.links()] == ["active"]


def test_a_callback_in_another_users_browser_is_refused(stack: Stack, new_user: NewUser) -> None:
    alice = new_user()
    mallory = new_user("Mallory")
    answer = answer_at_bank(stack, alice.start_link("northbank", ["answer_account_questions"]))
    stolen = finish_at_platform(mallory, answer)
    assert "someone%20else" in stolen.headers["location"]
    assert mallory.links() == []
    assert [link["status"] for link in alice.links()] == ["pending"]


def test_refusing_at_the_bank_leaves_no_link(stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    answer = answer_at_bank(stack, user.start_link("northbank", ["answer_account_questions"]),
                            decision="refuse")
    landed = finish_at_platform(user, answer)
    assert "link_error=" in landed.headers["location"]
    assert [link["status"] for link in user.links()] == ["failed"]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"bank_id": "northbank", "purposes": ["advertising"]}, 422, "unknown_purpose"),
    ({"bank_id": "northbank", "purposes": ["profiling"]}, 422, "unknown_purpose"),
    ({"bank_id": "nobank", "purposes": ["answer_account_questions"]}, 404, "unknown_bank"),
    ({"bank_id": "northbank", "purposes": []}, 422, "invalid_request"),
])
def test_bad_link_requests_are_refused_with_codes(new_user: NewUser, body: dict[str, Any],
                                                  status: int, code: str) -> None:
    user = new_user()
    response = user.post("/api/v1/links", body)
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert user.links() == []
