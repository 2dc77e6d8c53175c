"""Bank fixtures: real bank databases (SQLite files, and PostgreSQL when marked `postgres`).

Migrating takes a moment, so one migrated SQLite file is made per session and copied per test.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.books import BankBooks, Transaction
from chatbank.bank.db import create_bank_engine, upgrade_bank_database
from chatbank.bank.seed import SeedReport, seed_bank
from tests.contract.banks import RunningBank, running_bank
from tests.contract.tpp import Tpp
from tests.support.postgres import PostgresServer, postgres_server

__all__ = ["postgres_server"]


class ManualClock:
    """A clock the test moves by hand (UTC)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.moment = start or datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


@pytest.fixture(scope="session")
def migrated_bank_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite bank database at the newest schema, to be copied, never written."""
    path = tmp_path_factory.mktemp("bank-template") / "bank.db"
    upgrade_bank_database(sqlite_url(path))
    return path


def fresh_bank_file(template: Path, directory: Path) -> Path:
    """A private copy of the migrated template in `directory`."""
    target = directory / f"bank-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, target)
    return target


@contextlib.contextmanager
def scratch_bank_file(template: Path) -> Iterator[Path]:
    """A private copy of `template` next to it, deleted (with its WAL files) afterwards."""
    path = fresh_bank_file(template, template.parent)
    try:
        yield path
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


async def read_whole_statement(books: BankBooks, customer_id: str, account_id: str,
                               page_size: int = 1000) -> list[Transaction]:
    """Every statement line of the account, following the page cursors."""
    lines: list[Transaction] = []
    cursor = None
    while True:
        page = await books.transactions(customer_id, account_id, limit=page_size, cursor=cursor)
        lines += page.items
        if page.next_cursor is None:
            return lines
        cursor = page.next_cursor


@pytest.fixture
def bank_url(migrated_bank_file: Path, tmp_path: Path) -> str:
    """A migrated, empty SQLite bank database of this test."""
    return sqlite_url(fresh_bank_file(migrated_bank_file, tmp_path))


@pytest.fixture
async def bank_engine(bank_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_bank_engine(bank_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(scope="session")
def postgres_bank_template(postgres_server: PostgresServer) -> str:
    """Name of a migrated PostgreSQL bank database that tests clone (CREATE ... TEMPLATE)."""
    upgrade_bank_database(postgres_server.create_database("bank_template"))
    return "bank_template"


def clone_postgres_bank(server: PostgresServer, template: str) -> str:
    name = f"bank_{uuid.uuid4().hex[:12]}"
    for attempt in range(5):
        try:
            server.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            break
        except RuntimeError:
            # A just-closed connection to the template can linger a moment on a loaded
            # machine ("source database is being accessed by other users").
            if attempt == 4:
                raise
            time.sleep(1.0)
    return server.url(name)


@pytest.fixture
def postgres_bank_url(postgres_server: PostgresServer, postgres_bank_template: str) -> str:
    """A migrated, empty bank database on the session's throwaway PostgreSQL."""
    return clone_postgres_bank(postgres_server, postgres_bank_template)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_bank_engine(
    request: pytest.FixtureRequest, migrated_bank_file: Path, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """A migrated bank database on SQLite and, as a second parameter, on PostgreSQL."""
    if request.param == "sqlite":
        url = sqlite_url(fresh_bank_file(migrated_bank_file, tmp_path))
    else:
        url = request.getfixturevalue("postgres_bank_url")
    engine = create_bank_engine(url)
    yield engine
    await engine.dispose()


SEED_TODAY = date(2026, 11, 25)
SEED_BANK_NAME = "Northbank"
SEED_SORT_CODE_PREFIX = "20"
# Cheap argon2 parameters keep the seeding fast; verification reads them from the hash.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def seeded_bank(migrated_bank_file: Path) -> tuple[Path, SeedReport]:
    """A bank seeded once per session with alice, bob and carol (seed 7, today 2026-11-25)."""
    path = fresh_bank_file(migrated_bank_file, migrated_bank_file.parent)

    async def seed() -> SeedReport:
        engine = create_bank_engine(sqlite_url(path))
        try:
            return await seed_bank(engine, SEED_BANK_NAME, SEED_SORT_CODE_PREFIX,
                                   ["alice", "bob", "carol"], seed=7, today=SEED_TODAY,
                                   password_hasher=FAST_HASHER)
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(max_workers=1) as worker:  # works inside or outside a loop
        report = worker.submit(asyncio.run, seed()).result()
    return path, report


@pytest.fixture
async def seeded_books(
    seeded_bank: tuple[Path, SeedReport], tmp_path: Path
) -> AsyncIterator[tuple[BankBooks, SeedReport, ManualClock]]:
    """`BankBooks` on a private copy of the seeded bank, with a clock the test moves."""
    engine = create_bank_engine(sqlite_url(fresh_bank_file(seeded_bank[0], tmp_path)))
    clock = ManualClock(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))
    yield BankBooks(engine, clock, password_hasher=FAST_HASHER), seeded_bank[1], clock
    await engine.dispose()


# --- the OB API / OAuth engineer's fixtures: a real seeded bank on a free port, and a TPP ----

@pytest.fixture(scope="session")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBank]:
    """A migrated, seeded sandbox bank (alice, bob) served on a free loopback port."""
    with running_bank(tmp_path_factory.mktemp("bank"), login_attempts_per_window=3) as started:
        yield started


@pytest.fixture
def tpp(bank: RunningBank) -> Iterator[Tpp]:
    """A third party registered at `bank` with a secret and a signing key."""
    client = Tpp.register(bank.url)
    yield client
    client.close()
