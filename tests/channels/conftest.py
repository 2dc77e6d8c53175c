"""A local Graph API and a platform (with a real Northbank) that sends to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.channels.graph_server import VERSION, GraphServer
from tests.channels.payloads import PHONE_NUMBER_ID
from tests.support.servers import ServerThread
from tests.support.stack import Stack, running_stack

APP_SECRET = "test-app-secret-4f1c"
VERIFY_TOKEN = "test-verify-token-9b2e"
PAGE_TOKEN = "EAAtestpagetoken"
WHATSAPP_TOKEN = "EAAtestwhatsapptoken"
RETRY_BASE_MS = 50


@contextmanager
def running_graph() -> Iterator[GraphServer]:
    """The local Graph API (Messenger and WhatsApp sends) in a thread."""
    server = GraphServer(PAGE_TOKEN, WHATSAPP_TOKEN, PHONE_NUMBER_ID)
    thread = ServerThread(server.app).start()  # type: ignore[arg-type]
    server.url = thread.url
    try:
        yield server
    finally:
        thread.stop()


@contextmanager
def running_channels_stack(data_dir: Path, graph: GraphServer) -> Iterator[Stack]:
    """Northbank and a platform with both channels on, sending to the local `graph`."""
    with running_stack(data_dir, graph_api_url=f"{graph.url}/{VERSION}",
                       channel_app_secret=APP_SECRET, channel_verify_token=VERIFY_TOKEN,
                       messenger_page_token=PAGE_TOKEN, whatsapp_token=WHATSAPP_TOKEN,
                       whatsapp_phone_number_id=PHONE_NUMBER_ID,
                       channel_retry_base_ms=RETRY_BASE_MS) as running:
        yield running


@pytest.fixture(scope="package")
def graph() -> Iterator[GraphServer]:
    with running_graph() as server:
        yield server


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory, graph: GraphServer) -> Iterator[Stack]:
    """Northbank and a platform connected to the local Graph API (both channels on), shared by
    the package's tests: each test has its own users and chat ids."""
    with running_channels_stack(tmp_path_factory.mktemp("channels"), graph) as running:
        yield running
