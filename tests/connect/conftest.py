"""One real bank and a platform that knows it, shared by the connect tests of a module."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.support.linking import PlatformUser
from tests.support.stack import Stack, running_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


@pytest.fixture
def new_user(stack: Stack) -> Iterator[Callable[..., PlatformUser]]:
    """Sign up platform users for one test; their HTTP sessions close afterwards."""
    made: list[PlatformUser] = []

    def make(name: str = "Alice Adams") -> PlatformUser:
        user = PlatformUser.sign_up(stack.platform_url, name)
        made.append(user)
        return user

    yield make
    for user in made:
        user.http.close()
