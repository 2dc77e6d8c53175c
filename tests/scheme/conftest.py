"""One scheme and two member banks per session; tests may stop and restart any of them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chatbank.scheme.settings import SchemeSettings
from tests.scheme.clearing import Clearing, make_member, participants
from tests.support.servers import free_port


@pytest.fixture(scope="session")
def clearing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clearing]:
    root = tmp_path_factory.mktemp("clearing")
    scheme_port = free_port()
    north = make_member(root, "Northbank", "20", scheme_port)
    east = make_member(root, "Eastbank", "30", scheme_port)
    settings = SchemeSettings(port=scheme_port, data_dir=root / "scheme", tick_s=0.1,
                              retry_base_s=0.1, retry_max_s=0.5,
                              participants=participants((north, "20"), (east, "30")))
    running = Clearing(root, north, east, settings)
    running.start_scheme()
    try:
        yield running
    finally:
        running.stop_scheme()
        north.stop()
        east.stop()


@pytest.fixture
def healthy(clearing: Clearing) -> Iterator[Clearing]:
    """The clearing with all three servers up before and after the test."""
    for member in (clearing.north, clearing.east):
        if member.server is None:
            member.start()
    if clearing.scheme is None:
        clearing.start_scheme()
    yield clearing
    clearing.assert_conserved()
