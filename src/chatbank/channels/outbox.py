"""Messages out to the channels: queued in the database, sent in order per recipient, retried.

A reply is stored before anything is sent, so a crash or a failing Send API loses nothing.
Transient errors back off exponentially, rate-limit codes (613, 4, 80007, 130429, …) back off
longer, permanent errors (bad token, unknown recipient, …) are not retried. A send that shows
financial content is written to the audit log as a disclosure to that channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.channels.adapters.sql_channels import OutboxItem, SqlChannels
from chatbank.channels.formatting import messenger_messages, receipt_text, whatsapp_messages
from chatbank.channels.model import (
    Channel,
    Choice,
    Link,
    Outgoing,
    Reply,
    SendFailure,
    mask_amounts,
    retry_delay_ms,
)
from chatbank.channels.ports import ChannelSender
from chatbank.core.clock import Clock
from chatbank.privacy import AuditAction, AuditLog, AuditRecord, DataClass, Purpose

log = logging.getLogger("chatbank.channels")
BATCH = 20
IDLE_POLL_S = 5.0  # a queue wakes its own instance; polling only picks up after crashes
CLAIM_LEASE = timedelta(seconds=60)  # a send that crashed mid-way is tried again after this


def masked(outgoing: Outgoing) -> Outgoing:
    """The same message with every amount hidden (receipts become masked text)."""
    if outgoing.receipt is not None:
        return Outgoing(Reply(mask_amounts(receipt_text(outgoing.receipt)), financial=True))
    if outgoing.reply is None:
        return outgoing
    reply = outgoing.reply
    choices = tuple(Choice(mask_amounts(c.label), c.reply) for c in reply.choices)
    links = tuple(Link(mask_amounts(link.label), link.url) for link in reply.links)
    return Outgoing(Reply(mask_amounts(reply.text), choices, links, reply.financial),
                    tags=outgoing.tags)


class ChannelOutbox:
    def __init__(self, engine: AsyncEngine, clock: Clock, senders: dict[Channel, ChannelSender],
                 audit: AuditLog, retry_base_ms: int) -> None:
        self.engine, self.clock, self.senders, self.audit = engine, clock, senders, audit
        self.retry_base_ms = retry_base_ms
        self.wake = asyncio.Event()

    async def queue(self, key: str, channel: Channel, recipient: str, outgoing: Outgoing,
                    user_id: str | None = None) -> None:
        """Queue `outgoing` (once per key), masked when the user asked for that."""
        async with self.engine.begin() as conn:
            repo = SqlChannels(conn)
            if user_id is not None and await repo.masked_amounts(user_id):
                outgoing = masked(outgoing)
            parts = (messenger_messages(outgoing) if channel is Channel.MESSENGER
                     else whatsapp_messages(outgoing))
            disclosure = _disclosure(outgoing, user_id)
            now = self.clock.now()
            for index, part in enumerate(parts):
                if outgoing.receipt is not None and "message" in part:
                    part = {**part, "messaging_type": "UPDATE"}
                body = {"message": part, "audit": disclosure if index == 0 else None}
                await repo.enqueue(f"{key}:{index}", channel, recipient, body, now)
        self.wake.set()

    async def run(self) -> None:
        """Send due messages until cancelled."""
        while True:
            try:
                if not await self.send_due():
                    await self._sleep_until_due()
            except Exception:
                log.exception("event=channel_outbox_failed")
                await asyncio.sleep(IDLE_POLL_S)

    async def send_due(self) -> bool:
        async with self.engine.connect() as conn:
            items = await SqlChannels(conn).due(self.clock.now(), BATCH)
        for item in items:
            await self._send(item)
        return bool(items)

    async def _sleep_until_due(self) -> None:
        async with self.engine.connect() as conn:
            due = await SqlChannels(conn).next_due_at()
        wait = IDLE_POLL_S
        if due is not None:
            due = due if due.tzinfo else due.replace(tzinfo=UTC)  # SQLite keeps no zone
            wait = min(wait, max(0.0, (due - self.clock.now()).total_seconds()))
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=wait)

    async def _send(self, item: OutboxItem) -> None:
        now = self.clock.now()
        async with self.engine.begin() as conn:
            if not await SqlChannels(conn).claim(item, now, now + CLAIM_LEASE):
                return  # another instance is sending it
        attempts = item.attempts + 1
        try:
            platform_id = await self.senders[item.channel].send(item.recipient,
                                                                item.body["message"])
        except SendFailure as failure:
            await self._failed(item, attempts, failure)
            return
        async with self.engine.begin() as conn:
            await SqlChannels(conn).settle(item.id, status="sent", attempts=attempts,
                                           platform_message_id=platform_id or None,
                                           delivery="sent", last_error=None, body={})
            if item.body.get("audit"):  # the disclosure commits with the send's record
                await self.audit.append_in(conn, _disclosure_record(item.channel,
                                                                    item.body["audit"]))
        log.info("event=channel_sent channel=%s attempts=%d", item.channel.value, attempts)

    async def _failed(self, item: OutboxItem, attempts: int, failure: SendFailure) -> None:
        delay_ms = retry_delay_ms(failure, attempts, self.retry_base_ms)
        error = f"{failure.code}/{failure.http_status}: {failure.message}"[:200]
        async with self.engine.begin() as conn:
            if delay_ms is None:
                await SqlChannels(conn).settle(item.id, status="failed", attempts=attempts,
                                               last_error=error, body={})
            else:
                await SqlChannels(conn).settle(
                    item.id, attempts=attempts, last_error=error,
                    next_attempt_at=self.clock.now() + timedelta(milliseconds=delay_ms))
        log.info("event=channel_send_retry channel=%s code=%s attempts=%d retry_ms=%s",
                 item.channel.value, failure.code, attempts, delay_ms)



def _disclosure(outgoing: Outgoing, user_id: str | None) -> dict[str, str] | None:
    if user_id is None:
        return None
    if outgoing.receipt is not None:
        return {"user_id": user_id, "purpose": Purpose.MAKE_PAYMENTS_I_ASK_FOR.value,
                "data_class": DataClass.PAYMENTS.value, "reason": "payment receipt"}
    if outgoing.reply is not None and outgoing.reply.financial:
        return {"user_id": user_id, "purpose": Purpose.ANSWER_ACCOUNT_QUESTIONS.value,
                "data_class": outgoing.tags.get("data_class", DataClass.ACCOUNTS.value),
                "reason": outgoing.tags.get("reason", "the assistant's answer")}
    return None


def _disclosure_record(channel: Channel, disclosure: dict[str, Any]) -> AuditRecord:
    return AuditRecord(
        user_id=disclosure["user_id"], actor=f"channel:{channel.value}",
        action=AuditAction.DISCLOSURE_TO_CHANNEL, purpose=Purpose(disclosure["purpose"]),
        data_class=DataClass(disclosure["data_class"]), reason=disclosure["reason"])
