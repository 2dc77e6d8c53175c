"""Creating conversations and managing group membership."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from chatbank.core.clock import Clock
from chatbank.core.errors import Forbidden, InvalidInput, NotFound
from chatbank.core.ids import new_id
from chatbank.messenger.model import (
    Conversation,
    ConversationKind,
    EventKind,
    Member,
    Role,
    User,
    clean_title,
    direct_key,
    require_admin,
)
from chatbank.messenger.ports import EventPublisher
from chatbank.messenger.services.accounts import AuthContext
from chatbank.messenger.services.events import Outbox, append_event, load_membership
from chatbank.messenger.unit_of_work import MessengerStore, Transaction


@dataclass(frozen=True, slots=True)
class ConversationView:
    conversation: Conversation
    me: Member
    members: list[Member]
    users: list[User]
    unread: int


class Conversations:
    """Use cases for conversations and their members."""

    def __init__(self, store: MessengerStore, clock: Clock, publisher: EventPublisher,
                 max_group_members: int) -> None:
        self.store = store
        self.clock = clock
        self.publisher = publisher
        self.max_group_members = max_group_members

    async def _flush(self, outbox: Outbox) -> None:
        for recipients, wire in outbox.items:
            await self.publisher.publish(recipients, wire)

    async def open_direct(self, auth: AuthContext, other_user_id: str) -> ConversationView:
        """Return the one direct conversation with `other_user_id`, creating it if needed."""
        return await self.open_direct_as(auth.user, other_user_id)

    async def open_direct_as(self, user: User, other_user_id: str) -> ConversationView:
        """`open_direct` for a known user (the assistant bot opening its chat with someone)."""
        if other_user_id == user.id:
            raise InvalidInput("self_conversation", "Start a chat with someone else.")
        try:
            return await self._open_direct(user, other_user_id)
        except IntegrityError:  # both people opened it at once: the other insert won
            return await self._open_direct(user, other_user_id)

    async def _open_direct(self, user: User, other_user_id: str) -> ConversationView:
        me = user.id
        outbox = Outbox()
        async with self.store.transaction() as tx:
            if await tx.people.user_by_id(other_user_id) is None:
                raise NotFound("user_not_found", "That user does not exist.")
            key = direct_key(me, other_user_id)
            existing = await tx.conversations.conversation_by_direct_key(key)
            if existing is None:
                if await tx.people.either_blocked(me, other_user_id):
                    raise Forbidden("blocked", "You cannot start a chat with this person.")
                conversation = await self._create(tx, outbox, user, ConversationKind.DIRECT,
                                                  None, [other_user_id], key)
            else:
                conversation = existing
            view = await self._view(tx, me, conversation.id)
        await self._flush(outbox)
        return view

    async def create_group(self, auth: AuthContext, title: str,
                           member_ids: list[str]) -> ConversationView:
        """Create a group with the caller as admin and `member_ids` as members."""
        clean = clean_title(title)
        others = list(dict.fromkeys(m for m in member_ids if m != auth.user.id))
        if len(others) + 1 > self.max_group_members:
            raise InvalidInput("group_too_large",
                               f"Groups have at most {self.max_group_members} members.")
        outbox = Outbox()
        async with self.store.transaction() as tx:
            await self._check_addable(tx, auth.user.id, others)
            conversation = await self._create(tx, outbox, auth.user, ConversationKind.GROUP,
                                              clean, others, None)
            view = await self._view(tx, auth.user.id, conversation.id)
        await self._flush(outbox)
        return view

    async def _check_addable(self, tx: Transaction, adder_id: str, user_ids: list[str]) -> None:
        found = {u.id for u in await tx.people.users_by_ids(user_ids)}
        for user_id in user_ids:
            if user_id not in found:
                raise NotFound("user_not_found", f"User {user_id} does not exist.")
            if await tx.people.blocked_by(user_id, adder_id):
                raise Forbidden("blocked", "One of these people cannot be added by you.")

    async def _create(self, tx: Transaction, outbox: Outbox, creator: User,
                      kind: ConversationKind, title: str | None, others: list[str],
                      key: str | None) -> Conversation:
        now = self.clock.now()
        conversation = Conversation(new_id("cnv"), kind, title, creator.id, now, 0, now)
        await tx.conversations.insert_conversation(conversation, key)
        creator_role = Role.ADMIN if kind is ConversationKind.GROUP else Role.MEMBER
        for user_id, role in [(creator.id, creator_role)] + [(o, Role.MEMBER) for o in others]:
            await tx.conversations.insert_member(Member(conversation.id, user_id, role, 1, None,
                                                        0, 0))
        await append_event(tx, outbox, conversation.id, EventKind.CONVERSATION_CREATED,
                           creator.id, {"kind": kind.value, "title": title,
                                        "member_ids": [creator.id, *others]}, now)
        return conversation

    async def list_for(self, auth: AuthContext, limit: int = 100) -> list[ConversationView]:
        """The caller's conversations, most recently active first, with unread counts."""
        async with self.store.transaction() as tx:
            pairs = await tx.conversations.conversations_of(auth.user.id, min(limit, 500))
            ids = [c.id for c, _ in pairs]
            unread = await tx.conversations.unread_counts(auth.user.id, ids) if ids else {}
            views = []
            for conversation, me in pairs:
                members = await tx.conversations.active_members(conversation.id)
                users = await tx.people.users_by_ids([m.user_id for m in members])
                views.append(ConversationView(conversation, me, members, users,
                                              unread.get(conversation.id, 0)))
            return views

    async def get(self, auth: AuthContext, conversation_id: str) -> ConversationView:
        async with self.store.transaction() as tx:
            return await self._view(tx, auth.user.id, conversation_id)

    async def _view(self, tx: Transaction, user_id: str, conversation_id: str) -> ConversationView:
        conversation, me = await load_membership(tx, user_id, conversation_id)
        members = await tx.conversations.active_members(conversation_id)
        users = await tx.people.users_by_ids([m.user_id for m in members])
        unread = await tx.conversations.unread_counts(user_id, [conversation_id])
        return ConversationView(conversation, me, members, users, unread.get(conversation_id, 0))

    async def rename(self, auth: AuthContext, conversation_id: str, title: str) -> None:
        clean = clean_title(title)
        outbox = Outbox()
        async with self.store.transaction() as tx:
            conversation, _me = await load_membership(tx, auth.user.id, conversation_id)
            if conversation.kind is ConversationKind.DIRECT:
                raise Forbidden("direct_conversation", "Direct conversations cannot be renamed.")
            await tx.conversations.set_title(conversation_id, clean)
            await append_event(tx, outbox, conversation_id, EventKind.CONVERSATION_RENAMED,
                               auth.user.id, {"title": clean}, self.clock.now())
        await self._flush(outbox)

    async def add_members(self, auth: AuthContext, conversation_id: str,
                          user_ids: list[str]) -> None:
        outbox = Outbox()
        async with self.store.transaction() as tx:
            conversation, me = await load_membership(tx, auth.user.id, conversation_id)
            require_admin(me, conversation)
            current = {m.user_id for m in await tx.conversations.active_members(conversation_id)}
            new = [u for u in dict.fromkeys(user_ids) if u not in current]
            if len(current) + len(new) > self.max_group_members:
                raise InvalidInput("group_too_large",
                                   f"Groups have at most {self.max_group_members} members.")
            await self._check_addable(tx, auth.user.id, new)
            for user_id in new:
                event = await append_event(tx, outbox, conversation_id, EventKind.MEMBER_ADDED,
                                           auth.user.id, {"user_id": user_id}, self.clock.now())
                if await tx.conversations.member(conversation_id, user_id):
                    await tx.conversations.rejoin_member(conversation_id, user_id, event.seq)
                else:
                    await tx.conversations.insert_member(Member(
                        conversation_id, user_id, Role.MEMBER, event.seq, None, event.seq, 0))
                outbox.items[-1][0].append(user_id)
        await self._flush(outbox)

    async def remove_member(self, auth: AuthContext, conversation_id: str, user_id: str) -> None:
        outbox = Outbox()
        async with self.store.transaction() as tx:
            conversation, me = await load_membership(tx, auth.user.id, conversation_id)
            if user_id == auth.user.id:
                raise InvalidInput("use_leave", "To remove yourself, leave the group.")
            require_admin(me, conversation)
            target = await tx.conversations.member(conversation_id, user_id)
            if target is None or not target.active:
                raise NotFound("member_not_found", "That person is not in this group.")
            event = await append_event(tx, outbox, conversation_id, EventKind.MEMBER_REMOVED,
                                       auth.user.id, {"user_id": user_id}, self.clock.now())
            await tx.conversations.set_left(conversation_id, user_id, event.seq)
        await self._flush(outbox)

    async def leave(self, auth: AuthContext, conversation_id: str) -> None:
        outbox = Outbox()
        async with self.store.transaction() as tx:
            conversation, me = await load_membership(tx, auth.user.id, conversation_id)
            if conversation.kind is ConversationKind.DIRECT:
                raise Forbidden("direct_conversation", "You cannot leave a direct conversation.")
            members = await tx.conversations.active_members(conversation_id)
            event = await append_event(tx, outbox, conversation_id, EventKind.MEMBER_LEFT,
                                       auth.user.id, {"user_id": auth.user.id}, self.clock.now())
            await tx.conversations.set_left(conversation_id, auth.user.id, event.seq)
            remaining = [m for m in members if m.user_id != auth.user.id]
            if me.role is Role.ADMIN and remaining and all(m.role is not Role.ADMIN
                                                           for m in remaining):
                # A group never loses its last admin: the longest-standing member takes over.
                heir = min(remaining, key=lambda m: m.joined_seq)
                await tx.conversations.set_role(conversation_id, heir.user_id, Role.ADMIN)
                await append_event(tx, outbox, conversation_id, EventKind.MEMBER_ROLE,
                                   auth.user.id, {"user_id": heir.user_id, "role": "admin"},
                                   self.clock.now())
        await self._flush(outbox)

    async def set_role(self, auth: AuthContext, conversation_id: str, user_id: str,
                       role: Role) -> None:
        outbox = Outbox()
        async with self.store.transaction() as tx:
            conversation, me = await load_membership(tx, auth.user.id, conversation_id)
            require_admin(me, conversation)
            target = await tx.conversations.member(conversation_id, user_id)
            if target is None or not target.active:
                raise NotFound("member_not_found", "That person is not in this group.")
            await tx.conversations.set_role(conversation_id, user_id, role)
            await append_event(tx, outbox, conversation_id, EventKind.MEMBER_ROLE, auth.user.id,
                               {"user_id": user_id, "role": role.value}, self.clock.now())
        await self._flush(outbox)
