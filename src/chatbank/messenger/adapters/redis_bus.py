"""Redis adapters: cross-instance fan-out (pub/sub) and a shared rate limiter.

Redis is a bus here, never a store: every conversation event is committed to the event log
before it is published, so losing a publish (Redis restarting, a network blip) costs latency,
not data. A socket that missed an event fills the gap from the log when the next event of that
conversation arrives, or when its client resumes by cursor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from chatbank.core.ratelimit import MemoryRateLimiter
from chatbank.messenger.realtime import Hub

CHANNEL = "chatbank:realtime"
PING_INTERVAL_S = 5.0  # a silent subscription is pinged this often...
DEAD_AFTER_S = 15.0  # ...and re-opened when nothing (not even a pong) came back for this long
RECONNECT_DELAY_S = (0.05, 2.0)  # first and longest wait between subscription attempts
log = logging.getLogger("chatbank.realtime")
T = TypeVar("T")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


async def _twice(operation: Callable[[], Awaitable[T]]) -> T:
    """Run a Redis operation, once more if it fails: a pooled connection may have gone stale
    (e.g. Redis restarted) and is replaced by a fresh one on the second try."""
    try:
        return await operation()
    except (RedisConnectionError, RedisTimeoutError, OSError):
        return await operation()


class RedisPublisher:
    """Hands events to this instance's hub directly and to every other instance through Redis."""

    def __init__(self, hub: Hub, redis: Redis) -> None:
        self.hub = hub
        self.redis = redis
        # Tags this instance's publishes so that its subscriber skips their echo.
        self.origin = secrets.token_hex(8)
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._retry_in_s = RECONNECT_DELAY_S[0]

    async def publish(self, recipients: list[str], event: dict[str, Any],
                      text: str | None = None) -> None:
        """Deliver locally now; publish to the other instances (logged, not raised, on failure:
        the caller's transaction is committed and the event log has the event)."""
        text = _compact(event) if text is None else text
        self.hub.deliver(recipients, event, text)
        message = f"[{_compact(self.origin)},{_compact(recipients)},{text}]"
        try:
            await _twice(lambda: self.redis.publish(CHANNEL, message))
        except (RedisError, OSError) as error:
            log.warning("event=realtime_publish_failed error=%s recipients=%d",
                        type(error).__name__, len(recipients))

    async def start(self) -> None:
        """Subscribe, and return once the subscription is confirmed by Redis."""
        self._task = asyncio.create_task(self._listen())
        try:
            await asyncio.wait_for(self._ready.wait(), timeout=10)
        except TimeoutError:
            await self.stop()  # no subscriber left retrying behind a failed start-up
            raise

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
                    await self._receive(pubsub)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # any failure: drop the connection and subscribe again
                log.warning("event=realtime_subscriber_lost error=%s retry_in_s=%s",
                            type(error).__name__, self._retry_in_s)
                await asyncio.sleep(self._retry_in_s)
                self._retry_in_s = min(self._retry_in_s * 2, RECONNECT_DELAY_S[1])

    async def _receive(self, pubsub: PubSub) -> None:
        """Hand messages to the hub until the subscription dies (then raise)."""
        loop = asyncio.get_running_loop()
        last_heard = last_ping = loop.time()
        while True:
            item = await pubsub.get_message(timeout=1.0)
            now = loop.time()
            if item is not None:
                last_heard = now
                if item["type"] == "subscribe":
                    self._retry_in_s = RECONNECT_DELAY_S[0]
                    if self._ready.is_set():
                        log.info("event=realtime_subscriber_restored")
                        # Events published while we were cut off: every socket catches up.
                        self.hub.resync()
                    self._ready.set()
                elif item["type"] == "message":
                    self._deliver(item["data"])
            elif now - last_heard > DEAD_AFTER_S:
                # A half-open connection never errors by itself; the unanswered pings tell.
                raise ConnectionError(f"no answer from Redis for {DEAD_AFTER_S} s")
            if now - max(last_heard, last_ping) >= PING_INTERVAL_S:
                last_ping = now
                await pubsub.ping()

    def _deliver(self, data: bytes | str) -> None:
        try:
            origin, recipients, event = json.loads(data)
        except ValueError:
            log.warning("event=realtime_message_malformed")
            return
        if origin != self.origin:
            self.hub.deliver(recipients, event, _compact(event))


class RedisRateLimiter:
    """Fixed-window counters shared by every instance.

    While Redis is unreachable each instance falls back to counting on its own, so the limits
    loosen (at most by the number of instances) but never switch off or take log-in down.
    """

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.fallback = MemoryRateLimiter()

    async def hit(self, key: str, limit: int, window_s: int) -> int | None:
        full_key = f"chatbank:rl:{key}"

        async def count() -> list[Any]:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incr(full_key)
                pipe.expire(full_key, window_s, nx=True)
                pipe.ttl(full_key)
                result: list[Any] = await pipe.execute()
                return result

        try:
            count_now, _set, ttl = await _twice(count)
        except (RedisError, OSError) as error:
            log.warning("event=rate_limit_fallback error=%s", type(error).__name__)
            return await self.fallback.hit(key, limit, window_s)
        if int(count_now) > limit:
            return max(int(ttl), 1)
        return None
