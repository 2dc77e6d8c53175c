"""The assistant bot: reads what users write to it, understands, runs a skill, replies.

It listens to the messenger (an observer of posted messages), answers in the same
conversation with cards, and keeps the dialogue state per conversation in the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from chatbank.assistant.adapters.sql_state import SqlDialogueStates
from chatbank.assistant.cards import REPLY_CARD_KIND
from chatbank.assistant.dialogue.policy import Move, decide
from chatbank.assistant.dialogue.state import DialogueState, Form
from chatbank.assistant.nlu.parse import Nlu, load_nlu
from chatbank.assistant.skills.base import Outcome, Reply, Skill, Turn
from chatbank.assistant.skills.conversation import help_card
from chatbank.core.clock import Clock
from chatbank.messenger.model import Message, User
from chatbank.messenger.services.conversations import Conversations
from chatbank.messenger.services.messages import Messages

log = logging.getLogger("chatbank.assistant")
MENTION = "@assistant"
# Below this the top intent is a guess: ask to rephrase rather than act on it.
MIN_CONFIDENCE = 0.45


class Assistant:
    def __init__(self, bot: User, messages: Messages, conversations: Conversations,
                 states: SqlDialogueStates, nlu: Callable[[], Awaitable[Nlu]],
                 skills: list[Skill], fallback: Skill, clock: Clock) -> None:
        self.bot, self.messages, self.states, self.nlu = bot, messages, states, nlu
        self.conversations = conversations
        self.skills = {intent: skill for skill in skills for intent in skill.intents}
        self.fallback, self.clock = fallback, clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[str, asyncio.Lock] = {}

    def message_posted(self, message: Message, recipients: list[str]) -> None:
        """Messenger hook: answer messages written to the bot (or mentioning it in groups)."""
        if message.sender_id == self.bot.id or self.bot.id not in recipients or not message.text:
            return
        if len(recipients) > 2 and MENTION not in message.text.lower():
            return
        task = asyncio.get_running_loop().create_task(self._respond(message))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def welcome(self, user: User) -> None:
        """Open the assistant's chat with a new user, so it is in their chat list from the start."""
        view = await self.conversations.open_direct_as(self.bot, user.id)
        card = help_card("Hi! I'm your banking assistant",
                         "Link a bank and ask me about it. I say where every answer came from "
                         "and never move money without your yes and your bank's approval.")
        await self.messages.post(self.bot.id, view.conversation.id, "welcome", None,
                                 (REPLY_CARD_KIND, card.payload()), None)

    async def drain(self) -> None:
        """Wait for replies in flight (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _respond(self, message: Message) -> None:
        lock = self._locks.setdefault(message.conversation_id, asyncio.Lock())
        async with lock:
            try:
                replies = await self._turn(message)
            except Exception:
                log.exception("event=assistant_turn_failed conversation=%s",
                              message.conversation_id)
                replies = [Reply(text="Sorry, something went wrong on my side. Please try "
                                      "again in a moment.")]
            for index, reply in enumerate(replies):
                card = (REPLY_CARD_KIND, reply.card.payload()) if reply.card else None
                await self.messages.post(self.bot.id, message.conversation_id,
                                         f"re:{message.id}:{index}", reply.text, card, None)

    async def _turn(self, message: Message) -> list[Reply]:
        text = (message.text or "").replace(MENTION, " ").strip()
        now = self.clock.now()
        nlu = await self.nlu()
        parse = await nlu.parse_async(text, now.date())
        if parse.confidence < MIN_CONFIDENCE:
            parse = replace(parse, intent="out_of_scope")
        turn = Turn(message.sender_id, message.conversation_id, text, parse, now.date(), now)
        state = DialogueState.from_json(await self.states.load(message.conversation_id))
        outcome = await self._act(state, turn)
        if outcome.form is None and state.paused:
            resumed = state.resume_paused()
            if resumed is not None:
                again = await self._skill(resumed.intent).run(turn_for(turn, resumed), resumed,
                                                              False)
                outcome = Outcome(outcome.replies + again.replies, again.form)
        state.active = outcome.form
        await self.states.save(message.conversation_id, message.sender_id, state.to_json(), now)
        log.info("event=assistant_turn intent=%s confidence=%.2f", parse.intent,
                 parse.confidence)
        return outcome.replies

    async def _act(self, state: DialogueState, turn: Turn) -> Outcome:
        decision = decide(state, turn.text, turn.parse.intent, turn.parse.confidence,
                          turn.parse.slots.amount is not None)
        form = state.active
        if decision.move is Move.CANCEL:
            state.active, state.paused = None, []
            return Outcome.say("OK, cancelled. Nothing was changed.")
        if decision.move is Move.DECLINE:
            state.active = None
            return Outcome.say("OK, I won't do that.")
        if form is not None and decision.move in (Move.CONFIRM, Move.REASK, Move.FILL,
                                                  Move.CORRECT):
            return await self._skill(form.intent).run(turn, form,
                                                      decision.move is Move.CONFIRM)
        if decision.move is Move.SWITCH:
            state.pause_active()
        return await self._skill(decision.intent).run(turn, Form(decision.intent), False)

    def _skill(self, intent: str) -> Skill:
        return self.skills.get(intent, self.fallback)


def turn_for(turn: Turn, form: Form) -> Turn:
    """The same turn, as seen by a resumed form (its own intent, no new text)."""
    return Turn(turn.user_id, turn.conversation_id, "", turn.parse, turn.today, turn.now)


async def load_nlu_async() -> Nlu:
    """The process's NLU, loaded once in a worker thread (the encoder takes about a second)."""
    return await asyncio.to_thread(load_nlu)
