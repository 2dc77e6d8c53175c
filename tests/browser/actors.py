"""The people in browser tests: users driving a page, and users calling the API directly."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.support.api import PASSWORD, unique_handle


def sign_up_in_ui(page: Page, base_url: str, handle: str, display_name: str) -> None:
    """Open the app and create an account through the sign-up form."""
    page.goto(base_url + "/")
    page.get_by_role("tab", name="Sign up").click()
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Your name").fill(display_name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "online")


def sign_up_in_context(page: Page, base_url: str, display_name: str, query: str = "",
                       open_app: bool = True) -> dict[str, Any]:
    """Create an account with the page's cookie jar (no form), then open the app."""
    handle = unique_handle("b")
    response = page.request.post(base_url + "/api/v1/auth/signup", data={
        "handle": handle, "display_name": display_name, "password": PASSWORD})
    assert response.status == 201, response.text()
    if open_app:
        open_app_page(page, base_url, query)
    user: dict[str, Any] = response.json()["user"]
    return user


def open_app_page(page: Page, base_url: str, query: str = "") -> None:
    page.goto(base_url + "/" + query)
    expect(page.locator("#connection-status")).to_have_attribute("data-state", "online")


def open_privacy_centre_as(page: Page, base_url: str, handle: str) -> None:
    """Log the page in as `handle` (cookie session), open the app and its privacy centre."""
    response = page.request.post(base_url + "/api/v1/auth/login", data={
        "handle": handle, "password": PASSWORD, "issue_token": False})
    assert response.status == 200, response.text()
    open_app_page(page, base_url)
    page.click("#open-privacy")
    expect(page.locator("#privacy-centre")).to_be_visible()


class ApiUser:
    """A user who talks to the platform over the REST API with a bearer token."""

    def __init__(self, base_url: str, display_name: str) -> None:
        self.base_url = base_url
        body = httpx.post(base_url + "/api/v1/auth/signup", json={
            "handle": unique_handle("a"), "display_name": display_name,
            "password": PASSWORD}, timeout=10).json()
        self.user: dict[str, Any] = body["user"]
        self.http = httpx.Client(base_url=base_url + "/api/v1", timeout=10, headers={
            "Authorization": f"Bearer {body['token']}"})

    def close(self) -> None:
        self.http.close()

    @property
    def id(self) -> str:
        return str(self.user["id"])

    def call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = self.http.request(method, path, json=body)
        except httpx.TransportError:
            # The kept-alive connection may belong to a server that has since restarted.
            self.http.close()
            self.http = httpx.Client(base_url=self.http.base_url, timeout=10,
                                     headers=self.http.headers)
            response = self.http.request(method, path, json=body)
        assert response.status_code < 300, (response.status_code, response.text)
        return response.json() if response.content else None

    def direct_with(self, user_id: str) -> str:
        return str(self.call("POST", "/conversations/direct",
                             {"user_id": user_id})["conversation"]["id"])

    def send(self, conversation_id: str, text: str) -> dict[str, Any]:
        message: dict[str, Any] = self.call(
            "POST", f"/conversations/{conversation_id}/messages",
            {"client_id": uuid.uuid4().hex, "text": text})["message"]
        return message

    def texts(self, conversation_id: str) -> list[str]:
        body = self.call("GET", f"/conversations/{conversation_id}/messages?limit=200")
        return [m["text"] for m in body["messages"]]
