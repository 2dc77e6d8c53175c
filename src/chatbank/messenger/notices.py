"""Messages the platform itself sends a user, from the assistant bot, in their direct chat."""

from __future__ import annotations

import uuid

from chatbank.messenger.model import User
from chatbank.messenger.services.conversations import Conversations
from chatbank.messenger.services.messages import Messages


class BotNotices:
    """Posts a notice from `bot` into its direct conversation with a user."""

    def __init__(self, bot: User, conversations: Conversations, messages: Messages) -> None:
        self.bot, self.conversations, self.messages = bot, conversations, messages

    async def tell(self, user_id: str, text: str) -> None:
        view = await self.conversations.open_direct_as(self.bot, user_id)
        await self.messages.post(self.bot.id, view.conversation.id, f"notice-{uuid.uuid4().hex}",
                                 text, None, None)

    async def link_lost(self, user_id: str, bank_name: str, why: str) -> None:
        """connect's `LinkNotifier`: the bank stopped accepting our access."""
        await self.tell(user_id, f"Your link to {bank_name} has stopped working: {why} "
                                 "You can link it again from the privacy centre.")

    async def reconfirm_due(self, user_id: str, bank_name: str) -> None:
        """connect's `LinkNotifier`: a link is 90 days old (or 90 days since last confirmed)."""
        await self.tell(user_id, f"You linked {bank_name} a while ago. Do you still want "
                                 "chatbank to use it? Keep it (or disconnect it) in the "
                                 "privacy centre; nothing changes until you decide.")
