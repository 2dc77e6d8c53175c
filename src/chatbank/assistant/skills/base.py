"""The contract between the dialogue engine and skills."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.nlu.parse import Parse


@dataclass(frozen=True, slots=True)
class Turn:
    """One user message, understood."""

    user_id: str
    conversation_id: str
    text: str
    parse: Parse
    today: date
    now: datetime


@dataclass(frozen=True, slots=True)
class Reply:
    text: str | None = None
    card: ReplyCard | None = None


@dataclass
class Outcome:
    """What a skill says, and the form to keep open (waiting for an answer) if any."""

    replies: list[Reply] = field(default_factory=list)
    form: Form | None = None

    @classmethod
    def say(cls, text: str) -> Outcome:
        return cls([Reply(text=text)])

    @classmethod
    def show(cls, card: ReplyCard, form: Form | None = None) -> Outcome:
        return cls([Reply(card=card)], form)


class Skill(Protocol):
    """Handles the intents it names. `confirmed` is True only after an explicit yes."""

    intents: frozenset[str]

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome: ...
