"""Shared fixtures: a real platform server on a free port with a throwaway SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from chatbank.config import Settings
from chatbank.db.migrate import upgrade_to_head
from chatbank.web.app import create_app
from tests.support.api import Api
from tests.support.servers import ServerThread, free_port

if TYPE_CHECKING:
    from tests.support.linking import PlatformUser
    from tests.support.stack import Stack


def platform_settings(data_dir: Path, **overrides: object) -> Settings:
    port = free_port()
    settings = Settings(mode="test", data_dir=data_dir, public_url=f"http://127.0.0.1:{port}",
                        **overrides)  # type: ignore[arg-type]
    upgrade_to_head(settings.resolved_database_url)
    return settings


@pytest.fixture(scope="module")
def platform_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    settings = platform_settings(tmp_path_factory.mktemp("platform"))
    server = ServerThread(create_app(settings), port=int(settings.public_url.rsplit(":", 1)[1]))
    server.start()
    yield server.url
    server.stop()


@pytest.fixture
async def alice(platform_url: str) -> AsyncIterator[Api]:
    api = await Api.sign_up(platform_url, display_name="Alice Adams")
    yield api
    await api.close()


@pytest.fixture
async def bob(platform_url: str) -> AsyncIterator[Api]:
    api = await Api.sign_up(platform_url, display_name="Bob Brown")
    yield api
    await api.close()


@pytest.fixture
async def carol(platform_url: str) -> AsyncIterator[Api]:
    api = await Api.sign_up(platform_url, display_name="Carol Chen")
    yield api
    await api.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One real sandbox bank (Northbank) and a platform that knows it, per test module."""
    from tests.support.stack import running_stack

    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture
def new_user(stack: Stack) -> Iterator[Callable[..., PlatformUser]]:
    """Sign up platform users for one test; their HTTP sessions close afterwards."""
    from tests.support.linking import PlatformUser

    made: list[PlatformUser] = []

    def make(name: str = "Alice Adams") -> PlatformUser:
        user = PlatformUser.sign_up(stack.platform_url, name)
        made.append(user)
        return user

    yield make
    for user in made:
        user.http.close()
