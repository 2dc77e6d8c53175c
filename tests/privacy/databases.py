"""Fresh, fully migrated platform databases for privacy and ads tests (real SQLite files)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.core.ids import new_id
from chatbank.db import create_engine_for_url
from chatbank.db.migrate import upgrade_to_head
from chatbank.messenger.adapters.tables import users


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database file; tests get copies (migrating once keeps the suite fast)."""
    path = tmp_path_factory.mktemp("template") / "platform.db"
    upgrade_to_head(sqlite_url(path))
    return path


@pytest.fixture
def database_url(migrated_template: Path, tmp_path: Path) -> str:
    """A private copy of the migrated platform database."""
    path = tmp_path / "platform.db"
    shutil.copyfile(migrated_template, path)
    return sqlite_url(path)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    created = create_engine_for_url(database_url)
    yield created
    await created.dispose()


async def add_user(engine: AsyncEngine, handle: str | None = None) -> str:
    """Insert a messenger user row and return its id."""
    user_id = new_id("usr")
    async with engine.begin() as conn:
        await conn.execute(insert(users).values(
            id=user_id, handle=handle or user_id[4:20].lower().replace("-", "_"),
            display_name="Test User", password_hash=None, is_bot=False,
            created_at=datetime.now(UTC)))
    return user_id
