"""Browser-test fixtures: a real `chatbank serve` process and Debian's Chromium via Playwright."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from tests.browser.actors import ApiUser
from tests.support.servers import ServerProcess, free_port
from tests.support.stack import Stack, running_stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 375, "height": 740}
START_TIMEOUT_S = 180


class PlatformProcess(ServerProcess):
    """`chatbank serve` in its own process, with a start-up allowance for a loaded machine."""

    def start(self, timeout_s: float = START_TIMEOUT_S) -> PlatformProcess:
        super().start(timeout_s)
        return self


@pytest.fixture(scope="session")
def platform() -> Iterator[PlatformProcess]:
    # Not under pytest's basetemp: parallel pytest runs on the machine prune each other's.
    data_dir = Path(tempfile.mkdtemp(prefix="chatbank-browser-"))
    port = free_port()
    server = PlatformProcess(
        ["serve", "--port", str(port)],
        {"CHATBANK_DATA_DIR": str(data_dir), "CHATBANK_PUBLIC_URL": f"http://127.0.0.1:{port}"},
        port, ARTIFACTS / "platform-server.log")
    ARTIFACTS.mkdir(exist_ok=True)
    server.log_path.write_bytes(b"")
    server.start()
    yield server
    server.stop()
    shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Module scope: Playwright's sync API keeps an event loop running in this thread until it
    # exits, and later modules' `asyncio.run()` calls would fail while it is open.
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Pages:
    """Opens pages and fails the test if any of them throws an uncaught error."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[BrowserContext] = []
        self.errors: list[str] = []

    def new(self, viewport: dict[str, int] = DESKTOP) -> Page:
        context = self.browser.new_context(viewport=viewport)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", self._console)
        return page

    def _console(self, message: ConsoleMessage) -> None:
        # Failed requests (401 before log-in, a refused socket while the server restarts)
        # are expected; script errors are not.
        expected = ("Failed to load resource", "WebSocket connection")
        if message.type == "error" and not message.text.startswith(expected):
            self.errors.append(message.text)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser) -> Iterator[Pages]:
    opened = Pages(browser)
    yield opened
    opened.close()
    assert not opened.errors, opened.errors


@pytest.fixture
def api_user(platform: PlatformProcess) -> Iterator[Callable[[str], ApiUser]]:
    """Make users who talk to the platform over the REST API (closed after the test)."""
    made: list[ApiUser] = []

    def make(display_name: str) -> ApiUser:
        made.append(ApiUser(platform.url, display_name))
        return made[-1]

    yield make
    for user in made:
        user.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture(scope="module")
def bank_stack() -> Iterator[Stack]:
    """A real sandbox Northbank and a platform (in a thread) registered as its client.

    Request it before `browser`: setting the bank up runs `asyncio.run()`, which cannot run
    while Playwright's sync API holds an event loop in this thread.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="chatbank-browser-stack-"))
    try:
        with running_stack(data_dir) as stack:
            yield stack
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
