"""Composition root: the only place that builds adapters and wires the services together."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.config import Settings
from chatbank.core.clock import Clock, SystemClock
from chatbank.core.ratelimit import MemoryRateLimiter, RateLimiter
from chatbank.db import create_engine_for_url
from chatbank.db.engine import is_sqlite, sync_sqlite_url
from chatbank.messenger.adapters.message_writers import AsyncEngineWriter, GroupCommitSqliteWriter
from chatbank.messenger.adapters.redis_bus import RedisPublisher, RedisRateLimiter
from chatbank.messenger.cards import CardRegistry, default_card_registry
from chatbank.messenger.ports import EventPublisher, MessageWriter
from chatbank.messenger.realtime import Hub, LocalPublisher
from chatbank.messenger.services.accounts import Accounts
from chatbank.messenger.services.conversations import Conversations
from chatbank.messenger.services.events import message_to_wire
from chatbank.messenger.services.messages import Messages
from chatbank.messenger.unit_of_work import MessengerStore


@dataclass
class Platform:
    """Everything a platform instance runs on, built once at start-up."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    hub: Hub
    publisher: EventPublisher
    limiter: RateLimiter
    cards: CardRegistry
    accounts: Accounts
    conversations: Conversations
    messages: Messages
    redis: Redis | None

    async def close(self) -> None:
        if isinstance(self.publisher, RedisPublisher):
            await self.publisher.stop()
        if self.redis is not None:
            await self.redis.aclose()
        await self.messages.writer.close()
        await self.engine.dispose()


async def build_platform(settings: Settings, clock: Clock | None = None) -> Platform:
    """Wire a platform instance from settings (SQLite by default, PostgreSQL + Redis at scale)."""
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine_for_url(settings.resolved_database_url)
    hub = Hub()
    redis: Redis | None = None
    publisher: EventPublisher
    limiter: RateLimiter
    if settings.redis_url:
        redis = Redis.from_url(settings.redis_url)
        redis_publisher = RedisPublisher(hub, redis)
        await redis_publisher.start()
        publisher, limiter = redis_publisher, RedisRateLimiter(redis)
    else:
        publisher, limiter = LocalPublisher(hub), MemoryRateLimiter()
    store = MessengerStore(engine)
    cards = default_card_registry()
    accounts = Accounts(store, clock, limiter, settings.session_ttl_s,
                        settings.login_attempts_per_window, settings.login_window_s)
    conversations = Conversations(store, clock, publisher, settings.max_group_members)
    url = settings.resolved_database_url
    writer: MessageWriter = (
        GroupCommitSqliteWriter(sync_sqlite_url(url), clock, message_to_wire) if is_sqlite(url)
        else AsyncEngineWriter(engine, clock, message_to_wire))
    messages = Messages(store, clock, publisher, cards, settings.max_message_chars, writer)
    return Platform(settings, clock, engine, hub, publisher, limiter, cards, accounts,
                    conversations, messages, redis)
