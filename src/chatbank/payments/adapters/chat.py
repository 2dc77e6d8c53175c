"""The messenger as payments sees it: membership, blocks, names and payment cards."""

from __future__ import annotations

from typing import Any

from chatbank.messenger.services.messages import Messages
from chatbank.messenger.unit_of_work import MessengerStore
from chatbank.payments.cards import PAYMENT_CARD_KIND


class MessengerChat:
    def __init__(self, store: MessengerStore, messages: Messages) -> None:
        self.store, self.messages = store, messages

    async def active_members(self, conversation_id: str) -> list[str]:
        async with self.store.transaction() as tx:
            members = await tx.conversations.active_members(conversation_id)
            users = await tx.people.users_by_ids([m.user_id for m in members])
        return [user.id for user in users if not user.is_bot]

    async def either_blocked(self, user_a: str, user_b: str) -> bool:
        async with self.store.transaction() as tx:
            return bool(await tx.people.either_blocked(user_a, user_b))

    async def display_names(self, user_ids: list[str]) -> dict[str, str]:
        async with self.store.transaction() as tx:
            users = await tx.people.users_by_ids(list(dict.fromkeys(user_ids)))
        return {user.id: user.display_name for user in users}

    async def post_card(self, sender_id: str, conversation_id: str, client_id: str,
                        payload: dict[str, Any]) -> str:
        message, _created = await self.messages.post(
            sender_id, conversation_id, client_id, None, (PAYMENT_CARD_KIND, payload), None)
        return message.id

    async def update_card(self, actor_id: str, message_id: str,
                          payload: dict[str, Any]) -> None:
        await self.messages.update_card(actor_id, message_id, payload)
