"""Answers for the 77 everyday banking questions of BANKING77, written for this product.

Each answer ends with what the user can do next. The texts live in `data/support_answers.json`
(authored by us, one entry per BANKING77 intent); an intent without a text gets an honest
hand-off instead of a guess.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from chatbank.assistant.cards import ReplyCard
from chatbank.assistant.dialogue.state import Form
from chatbank.assistant.skills.base import Outcome, Turn

ANSWERS_PATH = Path(__file__).resolve().parents[1] / "data" / "support_answers.json"


@cache
def support_answers(path: Path = ANSWERS_PATH) -> dict[str, dict[str, str]]:
    """intent → {"title", "answer", "next"} (empty when the file is absent)."""
    if not path.is_file():
        return {}
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


class SupportAnswers:
    """The default skill: any intent no other skill claims is a support question."""

    intents: frozenset[str] = frozenset()

    async def run(self, turn: Turn, form: Form, confirmed: bool) -> Outcome:
        entry = support_answers().get(turn.parse.intent)
        if entry is None:
            card = ReplyCard("That one is for your bank's support team",
                             subtitle="I can't answer it reliably myself. Your bank's app or "
                                      "website has a contact page; I can show your linked banks.",
                             state="info")
            return Outcome.show(card.button("My linked banks", "which banks are linked?"))
        card = ReplyCard(entry.get("title") or "Here's how that works", subtitle=entry["answer"])
        if entry.get("next"):
            card.row("What you can do next", "", entry["next"])
        return Outcome.show(card)
