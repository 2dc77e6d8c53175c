"""Real Chromium through the bank's pages: sign in, sandbox SCA, consent, redirect with a code."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.sync_api import sync_playwright

from tests.contract.banks import RunningBank
from tests.contract.tpp import SANDBOX_PASSWORD, Tpp
from tests.support.servers import ServerThread

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def callback_app(received: list[dict[str, str]]) -> FastAPI:
    """The third party's redirect endpoint: it only records what the bank sent back."""
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/callback", response_class=HTMLResponse)
    async def callback(code: str = "", state: str = "", error: str = "") -> str:
        received.append({"code": code, "state": state, "error": error})
        return "<h1 id='done'>Back at the app</h1>"

    return app


@pytest.mark.browser
def test_customer_links_accounts_through_the_bank_pages_in_chromium(bank: RunningBank) -> None:
    received: list[dict[str, str]] = []
    callback = ServerThread(callback_app(received)).start()
    redirect_uri = f"{callback.url}/callback"
    tpp = Tpp.register(bank.url, name="Chatbank", redirect_uri=redirect_uri)
    try:
        consent_id = tpp.create_account_consent()
        verifier, state = secrets.token_urlsafe(48), secrets.token_urlsafe(8)
        pushed = tpp.push(consent_id, "accounts", verifier, state, redirect_uri).json()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 720, "height": 1000})
            page.set_default_timeout(10_000)
            page.goto(f"{bank.url}/as/authorize?client_id={tpp.client_id}"
                      f"&request_uri={pushed['request_uri']}")
            page.fill("input[name=login]", "alice")
            page.fill("input[name=password]", SANDBOX_PASSWORD)
            page.click("button[type=submit]")
            code = page.text_content("#sandbox-code") or ""
            page.fill("input[name=code]", code)
            page.click("button[type=submit]")
            page.wait_for_url(f"{bank.url}/consent")
            assert page.is_visible("text=See your balances")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "bank-consent.png"), full_page=True)
            page.click("button[value=approve]")
            page.wait_for_selector("#done")
            landed = parse_qs(urlparse(page.url).query)
            browser.close()
        assert received and received[0]["state"] == state and received[0]["code"]
        assert landed["iss"] == [bank.url]
        tokens = tpp.token_request(grant_type="authorization_code", code=received[0]["code"],
                                   redirect_uri=redirect_uri, code_verifier=verifier)
        assert tokens.status_code == 200, tokens.text
    finally:
        tpp.close()
        callback.stop()
