"""Sessions, CSRF and log-in brute force on a real platform (its own, with small limits)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest

from chatbank.web.app import create_app
from tests.conftest import platform_settings
from tests.security.routes import http_routes
from tests.support.api import PASSWORD, unique_handle
from tests.support.servers import ServerThread

LOGIN_LIMIT = 2  # per handle; the per-address limit is five times this
PRE_SESSION = {("POST", "/api/v1/auth/signup"), ("POST", "/api/v1/auth/login")}
WRONG_PASSWORD = "not-the-password"  # a deliberately wrong guess
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    settings = platform_settings(tmp_path_factory.mktemp("security-platform"),
                                 login_attempts_per_window=LOGIN_LIMIT)
    server = ServerThread(create_app(settings), port=int(settings.public_url.rsplit(":", 1)[1]))
    server.start()
    yield server
    server.stop()


def browser_signed_up(url: str) -> tuple[httpx.Client, str, str]:
    """A cookie session as the web client has one: (client, handle, csrf token)."""
    browser = httpx.Client(base_url=url, timeout=30.0)
    handle = unique_handle()
    signed = browser.post("/api/v1/auth/signup", json={
        "handle": handle, "display_name": "Session User", "password": PASSWORD})
    assert signed.status_code == 201, signed.text
    return browser, handle, signed.json()["csrf_token"]


def test_log_in_issues_a_new_session_and_a_planted_cookie_is_worthless(
        platform: ServerThread) -> None:
    browser, handle, _csrf = browser_signed_up(platform.url)
    with closing(browser), httpx.Client(base_url=platform.url, timeout=30.0) as victim:
        planted = "attacker-chosen-session-id"
        victim.cookies.set("cb_session", planted)
        logged_in = victim.post("/api/v1/auth/login", json={"handle": handle,
                                                            "password": PASSWORD})
        assert logged_in.status_code == 200
        issued = logged_in.cookies["cb_session"]
        assert issued != planted
        assert browser.cookies["cb_session"] != issued  # every log-in is its own session
        with httpx.Client(base_url=platform.url, cookies={"cb_session": planted}) as attacker:
            assert attacker.get("/api/v1/me").status_code == 401


def test_after_log_out_the_old_cookie_and_its_csrf_token_are_dead(
        platform: ServerThread) -> None:
    browser, _handle, csrf = browser_signed_up(platform.url)
    old_cookie = browser.cookies["cb_session"]
    with closing(browser):
        assert browser.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}
                            ).status_code == 204
    with httpx.Client(base_url=platform.url, cookies={"cb_session": old_cookie}) as replay:
        assert replay.get("/api/v1/me").status_code == 401
        reused = replay.patch("/api/v1/me", json={"display_name": "Replayed"},
                              headers={"X-CSRF-Token": csrf})
        assert reused.status_code == 401
        assert reused.json()["error"]["code"] == "session_invalid"


@pytest.mark.parametrize("csrf_header", [None, "wrong-token"])
def test_every_unsafe_route_refuses_a_cookie_session_without_its_csrf_token(
        platform: ServerThread, csrf_header: str | None) -> None:
    app = platform.server.config.app
    routes = sorted((m, p) for m, p in http_routes(app)
                    if m in UNSAFE and p.startswith("/api/") and (m, p) not in PRE_SESSION)
    assert len(routes) >= 30
    browser, _handle, _csrf = browser_signed_up(platform.url)
    headers = {"X-CSRF-Token": csrf_header} if csrf_header else {}
    with closing(browser):
        before = browser.get("/api/v1/conversations").json()
        answers = {(m, p): browser.request(m, p.replace("{", "x").replace("}", ""), json={},
                                           headers=headers) for m, p in routes}
        wrong = {route: (r.status_code, r.text[:80]) for route, r in answers.items()
                 if r.status_code != 403 or r.json()["error"]["code"] != "csrf_failed"}
        assert wrong == {}
        assert browser.get("/api/v1/me").status_code == 200  # still logged in, nothing done
        assert browser.get("/api/v1/conversations").json() == before


def test_guessing_passwords_is_stopped_per_handle_and_per_address(
        platform: ServerThread) -> None:
    browser, handle, _csrf = browser_signed_up(platform.url)
    browser.close()
    with httpx.Client(base_url=platform.url, timeout=30.0) as guesser:
        def attempt(who: str, password: str = WRONG_PASSWORD) -> httpx.Response:
            return guesser.post("/api/v1/auth/login", json={"handle": who,
                                                            "password": password})

        codes = [attempt(handle).status_code for _ in range(LOGIN_LIMIT + 1)]
        assert codes == [401] * LOGIN_LIMIT + [429]
        right_but_late = attempt(handle, PASSWORD)
        assert right_but_late.status_code == 429
        assert right_but_late.json()["error"]["code"] == "rate_limited"
        # Spraying one password over many handles hits the per-address limit instead.
        sprayed = [attempt(unique_handle()).status_code for _ in range(LOGIN_LIMIT * 5)]
        assert sprayed[-1] == 429 and set(sprayed) <= {401, 429}
