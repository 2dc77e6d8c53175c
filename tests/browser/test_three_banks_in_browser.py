"""The demo's three banks, prepared exactly as `chatbank demo` prepares them (own database,
seeded customers, the platform registered as a third party), each linked from the privacy
centre through its own login, SCA and consent pages in real Chromium, each in its own brand."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from chatbank.bank.settings import BankSettings
from chatbank.cli.demo_banks import (
    BANK_PASSWORD,
    DEMO_BANKS,
    DemoBank,
    bank_app,
    bank_settings,
    prepare_bank,
)
from chatbank.config import Settings
from chatbank.web.app import create_app
from tests.browser.actors import sign_up_in_ui
from tests.browser.conftest import Pages, screenshot
from tests.conftest import platform_settings
from tests.support.api import unique_handle
from tests.support.servers import ServerThread, free_port

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class DemoStack:
    platform_url: str
    banks: list[tuple[DemoBank, BankSettings]]


async def prepare_demo_banks(data_dir: Path, callback_url: str) -> tuple[
        list[tuple[DemoBank, BankSettings]], list[dict[str, str]]]:
    configs = [(bank, bank_settings(bank, free_port(), data_dir)) for bank in DEMO_BANKS]
    entries = [await prepare_bank(bank, settings, callback_url) for bank, settings in configs]
    return configs, entries


@pytest.fixture(scope="module")
def demo_stack() -> Iterator[DemoStack]:
    """Three demo banks and a platform that knows them, each on its own loopback port.

    Request it before `browser` (it runs `asyncio.run()`, see `bank_stack`).
    """
    data_dir = Path(tempfile.mkdtemp(prefix="chatbank-browser-three-banks-"))
    try:
        with ExitStack() as running:
            probe = platform_settings(data_dir)
            configs, entries = asyncio.run(prepare_demo_banks(
                data_dir, f"{probe.public_url}/connect/callback"))
            for _bank, bank_config in configs:
                server = ServerThread(bank_app(bank_config), port=bank_config.port).start()
                running.callback(server.stop)
            settings: Settings = probe.model_copy(update={"banks": json.dumps(entries)})
            platform = ServerThread(create_app(settings),
                                    port=int(probe.public_url.rsplit(":", 1)[1])).start()
            running.callback(platform.stop)
            yield DemoStack(platform.url, configs)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def rgb(colour: str) -> str:
    """`#1f4e8c` as the browser reports a computed colour: `rgb(31, 78, 140)`."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def expect_brand(page: Page, bank: DemoBank) -> None:
    expect(page.locator("header.bar .name")).to_have_text(bank.name)
    expect(page.locator("header.bar")).to_have_css("background-color", rgb(bank.colour))
    expect(page).to_have_title(re.compile(re.escape(bank.name)))


def link_bank(page: Page, bank: DemoBank, settings: BankSettings) -> None:
    """From the privacy centre through the bank's own pages as its first customer, and back."""
    page.click("#open-privacy")
    expect(page.locator("#privacy-centre")).to_be_visible()
    page.select_option("#link-bank", settings.slug)
    page.click("#link-bank-submit")
    page.wait_for_url(re.compile(re.escape(settings.base_url)))
    expect_brand(page, bank)
    page.fill("input[name=login]", bank.customers[0])
    page.fill("input[name=password]", BANK_PASSWORD)
    page.click("button[type=submit]")
    code = page.text_content("#sandbox-code") or ""
    page.fill("input[name=code]", code.strip())
    page.click("button[type=submit]")
    page.wait_for_url(f"{settings.base_url}/consent")
    expect_brand(page, bank)
    expect(page.locator("main")).to_contain_text("chatbank")
    # The customer's own accounts at this bank, under the bank's own sort codes.
    expect(page.locator("main")).to_contain_text(re.compile(rf"\b{bank.sort_code_prefix}-\d\d-"))
    screenshot(page, f"three-banks-consent-{settings.slug}")
    page.click("button[value=approve]")
    page.wait_for_url(re.compile(r"#/privacy$"))
    expect(page.locator("#privacy-banner")).to_contain_text(f"{bank.name} is now linked")


def test_each_demo_bank_links_through_its_own_branded_consent_page(
        demo_stack: DemoStack, browser: Browser) -> None:
    colours = {bank.colour for bank, _ in demo_stack.banks}
    names = {bank.name for bank, _ in demo_stack.banks}
    assert len(colours) == len(names) == len(demo_stack.banks) == 3
    pages = Pages(browser)
    try:
        page = pages.new()
        sign_up_in_ui(page, demo_stack.platform_url, unique_handle("t"), "Tess Three")
        for bank, settings in demo_stack.banks:
            link_bank(page, bank, settings)
            link = page.locator(f'#linked-banks .link-item[data-bank-id="{settings.slug}"]')
            expect(link).to_have_attribute("data-status", "active")
            expect(link).to_contain_text(bank.name)
        active = page.locator('#linked-banks .link-item[data-status="active"]')
        expect(active).to_have_count(3)
        screenshot(page, "three-banks-linked")
    finally:
        pages.close()
    assert not pages.errors, pages.errors
