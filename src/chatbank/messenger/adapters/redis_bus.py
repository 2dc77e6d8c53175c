"""Redis adapters: cross-instance fan-out (pub/sub) and a shared rate limiter."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from redis.asyncio import Redis

from chatbank.messenger.realtime import Hub

CHANNEL = "chatbank:realtime"
log = logging.getLogger("chatbank.realtime")


class RedisPublisher:
    """Publishes every event to Redis; each instance's subscriber hands it to its local hub."""

    def __init__(self, hub: Hub, redis: Redis) -> None:
        self.hub = hub
        self.redis = redis
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def publish(self, recipients: list[str], event: dict[str, Any]) -> None:
        await self.redis.publish(CHANNEL, json.dumps([recipients, event], separators=(",", ":")))

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen())
        await asyncio.wait_for(self._ready.wait(), timeout=10)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _listen(self) -> None:
        while True:
            try:
                async with self.redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._ready.set()
                    async for item in pubsub.listen():
                        if item.get("type") == "message":
                            recipients, event = json.loads(item["data"])
                            self.hub.deliver(recipients, event,
                                             json.dumps(event, separators=(",", ":")))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("event=realtime_subscriber_lost action=reconnect")
                await asyncio.sleep(0.5)


class RedisRateLimiter:
    """Fixed-window counters shared by every instance."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        full_key = f"chatbank:rl:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(full_key)
            pipe.expire(full_key, window_s, nx=True)
            pipe.ttl(full_key)
            count, _set, ttl = await pipe.execute()
        if int(count) > limit:
            return max(int(ttl), 1)
        return None
