"""The assistant's chat on chatbank's messenger, as the channels context sees it."""

from __future__ import annotations

from chatbank.channels.model import ChannelError
from chatbank.messenger.model import User
from chatbank.messenger.notices import BotNotices
from chatbank.messenger.services.conversations import Conversations
from chatbank.messenger.services.messages import Messages
from chatbank.messenger.unit_of_work import MessengerStore


class MessengerAssistantChat:
    def __init__(self, store: MessengerStore, conversations: Conversations, messages: Messages,
                 bot: User) -> None:
        self.store, self.conversations, self.messages, self.bot = (
            store, conversations, messages, bot)
        self.notices = BotNotices(bot, conversations, messages)

    async def post_as(self, user_id: str, client_id: str, text: str) -> None:
        async with self.store.transaction() as tx:
            user = await tx.people.user_by_id(user_id)
        if user is None:
            raise ChannelError("user_not_found", "The linked chatbank account is gone.")
        view = await self.conversations.open_direct_as(user, self.bot.id)
        await self.messages.post(user.id, view.conversation.id, client_id, text, None, None,
                                 by_user=True)

    async def client_id_of(self, message_id: str) -> str | None:
        async with self.store.transaction() as tx:
            message = await tx.conversations.message(message_id)
        return message.client_id if message else None

    async def display_name(self, user_id: str) -> str | None:
        async with self.store.transaction() as tx:
            user = await tx.people.user_by_id(user_id)
        return user.display_name if user else None

    async def tell(self, user_id: str, text: str) -> None:
        await self.notices.tell(user_id, text)
