"""Between chatbank and the channels: the assistant's answers and payment receipts go out.

`AssistantRelay` observes messages posted on chatbank's messenger; an answer of the assistant to a
message that came from a channel is degraded to a channel reply (text, choices, browser links)
and queued for that chat. `PaymentCardTap` wraps payments' chat port: when a payment card turns
`completed`, the payer's linked chats get a receipt.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from chatbank.assistant.cards import REPLY_CARD_KIND, ReplyCard
from chatbank.channels.adapters.sql_channels import SqlChannels
from chatbank.channels.model import Choice, Link, Outgoing, Receipt, Reply, mentions_amount
from chatbank.channels.services import CLIENT_ID_PREFIX, ChannelService
from chatbank.messenger.model import Message
from chatbank.payments.ports import Chat

log = logging.getLogger("chatbank.channels")


def reply_from(text: str | None, card_kind: str | None, card: dict[str, Any] | None,
               public_url: str) -> Outgoing:
    """The assistant's message as a channel reply: the card as text, buttons, browser links."""
    lines = [text] if text else []
    choices: tuple[Choice, ...] = ()
    links: tuple[Link, ...] = ()
    title = ""
    if card_kind == REPLY_CARD_KIND and card:
        title = str(card.get("title", ""))
        lines.append(ReplyCard(**card).as_text())
        choices = tuple(Choice(b["label"], b["reply"]) for b in card.get("buttons", []))
        links = tuple(Link(item["label"], _absolute(item["url"], public_url))
                      for item in card.get("links", []))
    body = "\n".join(lines).strip() or "…"
    financial = bool(card and card.get("rows")) or mentions_amount(body)
    return Outgoing(Reply(body, choices, links, financial),
                    tags={"reason": title or "the assistant's answer"})


def _absolute(url: str, public_url: str) -> str:
    return url if url.startswith(("https://", "http://")) else public_url.rstrip("/") + url


def receipt_from(card: dict[str, Any]) -> Receipt:
    paid_at = datetime.fromisoformat(card["updated_at"]) if card.get("updated_at") else None
    return Receipt(payment_id=card["payment_id"], payer_name=card["payer"]["name"],
                   payee_name=card["payee"]["name"], note=card.get("note", ""),
                   amount_minor=int(card["amount"]["minor"]),
                   currency=card["amount"]["currency"], display=card["amount"]["display"],
                   paid_at_s=int(paid_at.timestamp()) if paid_at else 0)


class AssistantRelay:
    """A messenger observer: relays the assistant's answers to the chats they answer."""

    def __init__(self, service: ChannelService, bot_id: str) -> None:
        self.service, self.bot_id = service, bot_id
        self._tasks: set[asyncio.Task[None]] = set()
        # Answers of one turn are queued in the order they were posted (locks are FIFO).
        self._locks: dict[str, asyncio.Lock] = {}

    def message_posted(self, message: Message, recipients: list[str]) -> None:
        if message.sender_id != self.bot_id or not message.client_id.startswith("re:"):
            return
        task = asyncio.get_running_loop().create_task(self._relay(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _relay(self, message: Message) -> None:
        lock = self._locks.setdefault(message.conversation_id, asyncio.Lock())
        async with lock:
            await self._relay_in_order(message)

    async def _relay_in_order(self, message: Message) -> None:
        answered = message.client_id.split(":")[1]
        origin = await self.service.chat.client_id_of(answered)
        if origin is None or not origin.startswith(CLIENT_ID_PREFIX):
            return  # an answer to something typed in chatbank itself
        async with self.service.engine.connect() as conn:
            repo = SqlChannels(conn)
            found = await repo.event_sender(int(origin.removeprefix(CLIENT_ID_PREFIX)))
            user_id = await repo.identity_user(*found) if found else None
        if found is None or user_id is None:
            return
        outgoing = reply_from(message.text, message.card_kind, message.card_payload,
                              self.service.config.public_url)
        await self.service.outbox.queue(f"reply:{message.id}", found[0], found[1], outgoing,
                                        user_id)

    async def payment_completed(self, card: dict[str, Any]) -> None:
        receipt = receipt_from(card)
        payer_id = str(card["payer"]["id"])
        for identity in await self.service.identities_of(payer_id):
            await self.service.outbox.queue(
                f"receipt:{receipt.payment_id}:{identity.channel.value}:{identity.external_id}",
                identity.channel, identity.external_id, Outgoing(receipt=receipt), payer_id)


class PaymentCardTap:
    """Payments' chat port, passing everything through and noticing completed payments."""

    def __init__(self, chat: Chat, relay: AssistantRelay) -> None:
        self.chat, self.relay = chat, relay

    async def active_members(self, conversation_id: str) -> list[str]:
        return await self.chat.active_members(conversation_id)

    async def either_blocked(self, user_a: str, user_b: str) -> bool:
        return await self.chat.either_blocked(user_a, user_b)

    async def display_names(self, user_ids: list[str]) -> dict[str, str]:
        return await self.chat.display_names(user_ids)

    async def post_card(self, sender_id: str, conversation_id: str, client_id: str,
                        payload: dict[str, Any]) -> str:
        return await self.chat.post_card(sender_id, conversation_id, client_id, payload)

    async def update_card(self, actor_id: str, message_id: str,
                          payload: dict[str, Any]) -> None:
        await self.chat.update_card(actor_id, message_id, payload)
        if payload.get("status") == "completed":
            try:
                await self.relay.payment_completed(payload)
            except Exception:  # a receipt must never fail the payment
                log.exception("event=channel_receipt_failed")
