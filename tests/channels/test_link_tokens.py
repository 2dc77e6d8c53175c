"""Link tokens against a real SQLite database: bound to one chat, used once, expiring."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.channels.adapters.sql_channels import SqlChannels
from chatbank.channels.model import Channel
from chatbank.db import create_engine_for_url
from chatbank.db.migrate import upgrade_to_head


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'platform.db'}"
    upgrade_to_head(url)  # runs its own event loop, so outside the test's
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    made = create_engine_for_url(database_url)
    yield made
    await made.dispose()


async def test_a_link_token_links_its_own_chat_once_and_not_after_it_expires(
        engine: AsyncEngine) -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    async with engine.begin() as conn:
        repo = SqlChannels(conn)
        await repo.save_link_token("a" * 64, Channel.WHATSAPP, "447700900123",
                                   now + timedelta(minutes=15))
        await repo.save_link_token("b" * 64, Channel.MESSENGER, "991", now + timedelta(minutes=15))
    async with engine.begin() as conn:
        repo = SqlChannels(conn)
        assert await repo.peek_link_token("a" * 64, now) == (Channel.WHATSAPP, "447700900123")
        assert await repo.use_link_token("a" * 64, now) == (Channel.WHATSAPP, "447700900123")
        assert await repo.use_link_token("a" * 64, now) is None
        late = now + timedelta(minutes=15, seconds=1)
        assert await repo.peek_link_token("b" * 64, late) is None
        assert await repo.use_link_token("b" * 64, late) is None
        assert await repo.use_link_token("c" * 64, now) is None
