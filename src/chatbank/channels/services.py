"""Use cases of the channels context: take deliveries, link accounts, relay to the assistant.

A delivery is verified (signature before parsing), each event stored once under the platform's
id, and the platform answered at once; a worker then handles stored events oldest first by the
platform's timestamps. A linked sender's text is posted into their assistant chat as them; the
assistant's answers come back through `bridge` and leave through the outbox.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.channels.adapters.sql_channels import PendingEvent, SqlChannels
from chatbank.channels.model import (
    Channel,
    ChannelError,
    EventKind,
    Link,
    Outgoing,
    Reply,
    describe_chat,
)
from chatbank.channels.outbox import ChannelOutbox
from chatbank.channels.ports import AssistantChat
from chatbank.channels.webhooks import parse_delivery, verify_signature, verify_subscription
from chatbank.core.clock import Clock
from chatbank.core.errors import ChatbankError, NotFound

log = logging.getLogger("chatbank.channels")
BATCH = 50
IDLE_POLL_S = 5.0  # deliveries wake their own instance; polling only resumes after crashes
CLIENT_ID_PREFIX = "channel:"  # the assistant chat message's client id: "channel:<event row>"
PROMPT_INTERVAL = timedelta(minutes=1)
SORRY = "Sorry, something went wrong on my side. Please say that again in a moment."
LINK_PROMPT = ("Hi! To use chatbank here, link your chatbank account first. The page opens in "
               "your browser; this chat never sees your password or your bank.")


@dataclass(frozen=True, slots=True)
class ChannelConfig:
    app_secret: str
    verify_token: str
    public_url: str
    link_ttl_s: int


@dataclass(frozen=True, slots=True)
class ChannelIdentity:
    channel: Channel
    external_id: str
    linked_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invalid_link_token() -> ChannelError:
    return ChannelError("link_token_invalid", "This link has expired or was used already; "
                        "send any message in the chat to get a new one.")


class ChannelService:
    def __init__(self, engine: AsyncEngine, clock: Clock, config: ChannelConfig,
                 outbox: ChannelOutbox, chat: AssistantChat) -> None:
        self.engine, self.clock, self.config = engine, clock, config
        self.outbox, self.chat = outbox, chat
        self.wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.on_stop: list[Callable[[], Awaitable[None]]] = []

    @property
    def enabled(self) -> frozenset[Channel]:
        return frozenset(self.outbox.senders)

    def start(self) -> None:
        """Start the inbound and outbound workers on the running loop."""
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._run_inbound()), loop.create_task(self.outbox.run())]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for drain in self.on_stop:
            await drain()
        for sender in self.outbox.senders.values():
            await sender.close()

    def answer_verification(self, channel: Channel, mode: str | None, token: str | None,
                            challenge: str | None) -> str:
        """The `hub.challenge` to echo when the platform subscribes our webhook."""
        self._require(channel)
        return verify_subscription(self.config.verify_token, mode, token, challenge)

    async def receive_delivery(self, channel: Channel, body: bytes,
                               signature: str | None) -> int:
        """Verify, store each new event once, and return how many were new (work is async)."""
        self._require(channel)
        verify_signature(self.config.app_secret, body, signature)
        events = parse_delivery(channel, body)
        now = self.clock.now()
        async with self.engine.begin() as conn:
            repo = SqlChannels(conn)
            new = [event for event in events if await repo.record_event(event, now)]
        if new:
            self.wake.set()
        log.info("event=channel_delivery channel=%s events=%d new=%d", channel.value,
                 len(events), len(new))
        return len(new)

    def _require(self, channel: Channel) -> None:
        if channel not in self.enabled:
            raise NotFound("channel_not_enabled", f"{channel.value} is not connected here.")

    async def _run_inbound(self) -> None:
        while True:
            try:
                worked = await self.process_pending()
            except Exception:
                log.exception("event=channel_inbound_failed")
                worked = 0
            if not worked:
                self.wake.clear()
                try:
                    await asyncio.wait_for(self.wake.wait(), timeout=IDLE_POLL_S)
                except TimeoutError:
                    continue

    async def process_pending(self) -> int:
        """Handle stored events, oldest first by the platform's timestamps; each exactly once."""
        async with self.engine.connect() as conn:
            pending = await SqlChannels(conn).pending_events(BATCH)
        for event in pending:
            try:
                await self._process(event)
            except Exception:  # one bad event must not hold up everyone's after it
                log.exception("event=channel_event_failed kind=%s", event.kind)
                await self.outbox.queue(f"failed:{event.id}", event.channel, event.sender_id,
                                        Outgoing(Reply(SORRY)))
            async with self.engine.begin() as conn:
                await SqlChannels(conn).finish_event(event.id)
        return len(pending)

    async def _process(self, event: PendingEvent) -> None:
        async with self.engine.begin() as conn:
            repo = SqlChannels(conn)
            if event.kind == EventKind.READ:
                await repo.raise_read_watermark(event.channel, event.sender_id, event.sent_at_ms)
                return
            if event.kind == EventKind.STATUS:
                await repo.advance_delivery(event.body["message_id"], event.body["status"])
                return
            await repo.touch_identity(event.channel, event.sender_id, self.clock.now())
            user_id = await repo.identity_user(event.channel, event.sender_id)
        if user_id is None:
            await self._prompt_to_link(event)
            return
        if event.channel is Channel.MESSENGER:
            await self.outbox.queue(f"typing:{event.id}", event.channel, event.sender_id,
                                    Outgoing(typing=True))
        try:
            await self.chat.post_as(user_id, f"{CLIENT_ID_PREFIX}{event.id}", event.body["text"])
        except ChannelError as gone:  # the account was deleted: this chat is nobody's now
            log.info("event=channel_identity_orphaned code=%s", gone.code)
            async with self.engine.begin() as conn:
                await SqlChannels(conn).link_identity(event.channel, event.sender_id, None,
                                                      self.clock.now())
            await self._prompt_to_link(event)
        except ChatbankError as failure:
            await self.outbox.queue(f"refused:{event.id}", event.channel, event.sender_id,
                                    Outgoing(Reply(f"I couldn't take that: {failure.message}")))

    async def _prompt_to_link(self, event: PendingEvent) -> None:
        token = secrets.token_urlsafe(32)
        expires = self.clock.now() + timedelta(seconds=self.config.link_ttl_s)
        async with self.engine.begin() as conn:
            repo = SqlChannels(conn)
            if await repo.fresh_link_token_exists(event.channel, event.sender_id,
                                                  expires - PROMPT_INTERVAL):
                return  # one login link a minute, however many messages a stranger sends
            await repo.save_link_token(token_hash(token), event.channel, event.sender_id,
                                       expires)
        url = f"{self.config.public_url.rstrip('/')}/channels/link?token={token}"
        await self.outbox.queue(f"prompt:{event.id}", event.channel, event.sender_id,
                                Outgoing(Reply(LINK_PROMPT, links=(Link("Link my account", url),))))

    async def do_link_identity(self, token: str, user_id: str) -> Channel:
        """Bind the channel identity the one-time `token` was made for to `user_id`."""
        now = self.clock.now()
        async with self.engine.begin() as conn:
            repo = SqlChannels(conn)
            found = await repo.use_link_token(token_hash(token[:200]), now)
            if found is None:
                raise invalid_link_token()
            channel, external_id = found
            await repo.link_identity(channel, external_id, user_id, now)
        name = await self.chat.display_name(user_id) or "you"
        await self.chat.tell(user_id, f"Your {describe_chat(channel, external_id)} now talks "
                             "to chatbank as you. Not you? Unlink it in the privacy centre.")
        await self.outbox.queue(f"linked:{channel.value}:{external_id}:{now.isoformat()}",
                                channel, external_id, Outgoing(Reply(
                                    f"Linked to chatbank as {name}. Ask me things like “what's "
                                    "my balance?”.")))
        return channel

    async def describe_link_token(self, token: str) -> str:
        """Which chat a link token would link, in words (`link_token_invalid` if unusable)."""
        async with self.engine.connect() as conn:
            found = await SqlChannels(conn).peek_link_token(token_hash(token[:200]),
                                                            self.clock.now())
        if found is None:
            raise invalid_link_token()
        return describe_chat(*found)

    async def identities_of(self, user_id: str) -> list[ChannelIdentity]:
        async with self.engine.connect() as conn:
            found = await SqlChannels(conn).identities_of(user_id)
        return [ChannelIdentity(channel, external, at) for channel, external, at in found]

    async def do_unlink_identity(self, user_id: str, channel: Channel, external_id: str) -> None:
        """Stop answering that chat as the user (they can link again from it)."""
        if not any(i.channel is channel and i.external_id == external_id
                   for i in await self.identities_of(user_id)):
            raise NotFound("channel_identity_not_found", "No such linked chat.")
        async with self.engine.begin() as conn:
            await SqlChannels(conn).link_identity(channel, external_id, None, self.clock.now())

    async def masked_amounts(self, user_id: str) -> bool:
        async with self.engine.connect() as conn:
            return await SqlChannels(conn).masked_amounts(user_id)

    async def do_set_masked_amounts(self, user_id: str, masked: bool) -> None:
        async with self.engine.begin() as conn:
            await SqlChannels(conn).set_masked_amounts(user_id, masked, self.clock.now())
