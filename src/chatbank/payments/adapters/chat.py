"""The messenger as payments sees it: membership, blocks, names and payment cards."""

from __future__ import annotations

from typing import Any

from chatbank.core.errors import NotFound
from chatbank.messenger.services.conversations import Conversations
from chatbank.messenger.services.messages import Messages
from chatbank.messenger.unit_of_work import MessengerStore
from chatbank.payments.cards import PAYMENT_CARD_KIND, RECEIPT_CARD_KIND


class MessengerChat:
    def __init__(self, store: MessengerStore, messages: Messages,
                 conversations: Conversations | None = None) -> None:
        self.store, self.messages, self.conversations = store, messages, conversations

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

    async def post_receipt(self, sender_id: str, conversation_id: str, client_id: str,
                           payload: dict[str, Any]) -> None:
        await self.messages.post(sender_id, conversation_id, client_id, None,
                                 (RECEIPT_CARD_KIND, payload), None)

    async def update_card(self, actor_id: str, message_id: str,
                          payload: dict[str, Any]) -> None:
        await self.messages.update_card(actor_id, message_id, payload)

    async def contacts_of(self, user_id: str) -> list[tuple[str, str]]:
        """The user's contacts as (user id, display name), for the assistant to match names."""
        async with self.store.transaction() as tx:
            found = await tx.people.contacts_of(user_id)
        return [(user.id, user.display_name) for user in found if not user.is_bot]

    async def direct_chat(self, user_id: str, other_id: str) -> str:
        """The direct conversation of two people (opened if needed)."""
        assert self.conversations is not None
        async with self.store.transaction() as tx:
            user = await tx.people.user_by_id(user_id)
        if user is None:
            raise NotFound("user_not_found", "No such user.")
        view = await self.conversations.open_direct_as(user, other_id)
        return view.conversation.id
