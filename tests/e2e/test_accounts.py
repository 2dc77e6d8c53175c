"""Signing up, logging in and out, sessions, CSRF and rate limits, through the real API."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import httpx
import pytest

from chatbank.web.app import create_app
from tests.conftest import platform_settings
from tests.support.api import PASSWORD, Api, unique_handle
from tests.support.servers import ServerThread


async def post(url: str, path: str, body: object, **kw: object) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url) as client:
        return await client.post("/api/v1" + path, json=body, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("body", "code"), [
    ({"handle": "x", "display_name": "X", "password": PASSWORD}, "invalid_handle"),
    ({"handle": "has space", "display_name": "X", "password": PASSWORD}, "invalid_handle"),
    ({"handle": unique_handle(), "display_name": "", "password": PASSWORD},
     "invalid_display_name"),
    ({"handle": unique_handle(), "display_name": "X", "password": "short"}, "weak_password"),
    ({"handle": unique_handle(), "display_name": "X", "password": 12345678901},
     "invalid_request"),
    ({"handle": unique_handle(), "display_name": "X", "password": PASSWORD, "admin": True},
     "invalid_request"),
    ({"handle": unique_handle()}, "invalid_request"),
])
async def test_sign_up_rejects_bad_input_with_a_code(platform_url: str, body: dict[str, object],
                                                    code: str) -> None:
    response = await post(platform_url, "/auth/signup", body)
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] == code


async def test_malformed_json_is_a_coded_400(platform_url: str) -> None:
    response = await post(platform_url, "/auth/signup", None, content=b"{not json",
                          headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


async def test_oversize_body_is_refused_before_it_is_read(platform_url: str) -> None:
    response = await post(platform_url, "/auth/signup", None, content=b"x" * (70 * 1024),
                          headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_a_taken_handle_cannot_be_signed_up_again(platform_url: str) -> None:
    handle = unique_handle()
    first = await Api.sign_up(platform_url, handle)
    response = await post(platform_url, "/auth/signup", {
        "handle": handle.upper(), "display_name": "Other", "password": PASSWORD})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "handle_taken"
    await first.close()


async def test_log_in_works_and_wrong_password_is_refused(platform_url: str, alice: Api) -> None:
    handle = alice.user["handle"]
    ok = await post(platform_url, "/auth/login", {"handle": handle, "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["user"]["id"] == alice.id
    bad = await post(platform_url, "/auth/login", {"handle": handle, "password": "nope" * 4})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "bad_credentials"
    unknown = await post(platform_url, "/auth/login", {"handle": "nobody_here",
                                                        "password": PASSWORD})
    assert unknown.json()["error"]["code"] == "bad_credentials"


async def test_login_is_rate_limited_per_handle(platform_url: str, alice: Api) -> None:
    handle = alice.user["handle"]
    codes = []
    for _ in range(12):
        response = await post(platform_url, "/auth/login", {"handle": handle,
                                                             "password": "wrong-password-x"})
        codes.append(response.status_code)
    assert codes[:10] == [401] * 10
    assert codes[10] == 429
    limited = await post(platform_url, "/auth/login", {"handle": handle, "password": PASSWORD})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0


async def test_logout_ends_the_session(platform_url: str, alice: Api) -> None:
    await alice.call("POST", "/auth/logout", expect=204)
    response = await alice.http.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "session_invalid"


async def test_requests_without_credentials_are_401(platform_url: str) -> None:
    async with httpx.AsyncClient(base_url=platform_url) as anon:
        response = await anon.get("/api/v1/conversations")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_cookie_sessions_need_the_csrf_header_on_writes(platform_url: str) -> None:
    handle = unique_handle()
    async with httpx.AsyncClient(base_url=platform_url) as browser:
        signed = await browser.post("/api/v1/auth/signup", json={
            "handle": handle, "display_name": "Cookie User", "password": PASSWORD})
        csrf = signed.json()["csrf_token"]
        assert (await browser.get("/api/v1/me")).status_code == 200
        forged = await browser.patch("/api/v1/me", json={"display_name": "Hacked"})
        assert forged.status_code == 403
        assert forged.json()["error"]["code"] == "csrf_failed"
        wrong = await browser.patch("/api/v1/me", json={"display_name": "Hacked"},
                                    headers={"X-CSRF-Token": "guess"})
        assert wrong.status_code == 403
        me = await browser.get("/api/v1/me")
        assert me.json()["user"]["display_name"] == "Cookie User"
        good = await browser.patch("/api/v1/me", json={"display_name": "Renamed"},
                                   headers={"X-CSRF-Token": csrf})
        assert good.status_code == 200 and good.json()["user"]["display_name"] == "Renamed"


async def test_session_cookie_is_http_only_and_same_site(platform_url: str) -> None:
    response = await post(platform_url, "/auth/signup", {
        "handle": unique_handle(), "display_name": "C", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


async def test_sessions_expire_and_passwords_are_stored_as_argon2id(tmp_path: Path) -> None:
    settings = await asyncio.to_thread(platform_settings, tmp_path, session_ttl_s=1)
    server = ServerThread(create_app(settings))
    await asyncio.to_thread(server.start)
    try:
        api = await Api.sign_up(server.url)
        assert (await api.http.get("/api/v1/me")).status_code == 200
        with sqlite3.connect(tmp_path / "platform.db") as db:
            (stored,) = db.execute("SELECT password_hash FROM users WHERE id = ?",
                                   (api.id,)).fetchone()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored
        await asyncio.sleep(1.2)
        expired = await api.http.get("/api/v1/me")
        assert expired.status_code == 401
        assert expired.json()["error"]["code"] == "session_invalid"
        await api.close()
    finally:
        await asyncio.to_thread(server.stop)
