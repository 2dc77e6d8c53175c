"""Fixtures for the OB contract tests: a seeded bank, a TPP and the two spec documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.banks import RunningBank, running_bank
from tests.contract.tpp import Tpp


@pytest.fixture(scope="session")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBank]:
    with running_bank(tmp_path_factory.mktemp("contract-bank")) as started:
        yield started


@pytest.fixture
def tpp(bank: RunningBank) -> Iterator[Tpp]:
    client = Tpp.register(bank.url)
    yield client
    client.close()
