"""The privacy centre: export everything, delete the account, revoke everything at once."""

from __future__ import annotations

from tests.support.api import PASSWORD
from tests.support.linking import NewUser, link_bank
from tests.support.stack import Stack


def test_export_holds_my_data_and_no_secrets(stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    exported = user.http.get("/api/v1/privacy/export")
    assert exported.status_code == 200
    body = exported.json()
    assert body["profile"]["id"] == user.user["id"]
    assert body["bank_links"][0]["bank_id"] == "northbank"
    assert any(e["action"] == "link_created" for e in body["access_log"])
    text = exported.text.lower()
    assert "access_token" not in text and "refresh" not in text and "secret" not in text
    newest = user.http.get("/api/v1/privacy/access-log").json()["entries"][0]
    assert newest["action"] == "data_exported"


def test_revoke_everything_disconnects_every_bank(stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    response = user.post("/api/v1/privacy/revoke-all")
    assert response.status_code == 200 and len(response.json()["revoked"]) == 1
    assert [link["status"] for link in user.links()] == ["revoked"]


def test_deleting_the_account_needs_the_password_and_ends_everything(
        stack: Stack, new_user: NewUser) -> None:
    user = new_user()
    link_bank(stack, user)
    wrong = user.post("/api/v1/privacy/delete-account", {"password": "not-my-password"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_credentials"
    assert [link["status"] for link in user.links()] == ["active"]
    deleted = user.post("/api/v1/privacy/delete-account", {"password": PASSWORD})
    assert deleted.status_code == 204
    after = user.http.get("/api/v1/me")
    assert after.status_code == 401
    relogin = user.http.post("/api/v1/auth/login", json={"handle": user.user["handle"],
                                                         "password": PASSWORD})
    assert relogin.status_code == 401
