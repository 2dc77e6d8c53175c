"""Support answers: one authored answer per BANKING77 intent, and the assistant using them."""

from __future__ import annotations

import json
from collections.abc import Callable

from chatbank.assistant.nlu.corpus import DEFAULT_DATA_DIR
from chatbank.assistant.skills.support import ANSWERS_PATH
from tests.assistant.story_steps import Chat
from tests.support.linking import PlatformUser

CATEGORIES = DEFAULT_DATA_DIR / "banking77" / "categories.json"
BANKING77 = json.loads(CATEGORIES.read_text())


def test_every_banking77_intent_has_an_answer_within_the_limits() -> None:
    answers = json.loads(ANSWERS_PATH.read_text(encoding="utf-8"))
    assert len(answers) == 77
    assert set(answers) == set(BANKING77)
    for intent, entry in answers.items():
        assert set(entry) == {"title", "answer", "next"}, intent
        assert entry["title"] and len(entry["title"]) <= 120, intent
        assert 0 < len(entry["answer"]) <= 300, intent
        assert 0 < len(entry["next"]) <= 200, intent


def test_a_card_question_gets_the_authored_answer_and_what_to_do_next(
        new_user: Callable[..., PlatformUser]) -> None:
    chat = Chat.open(new_user())
    shown = chat.card("my card still hasn't arrived, it's been two weeks")
    assert shown["title"] == "Waiting for a new card"
    assert "not by chatbank" in shown["subtitle"]
    assert shown["rows"][0]["label"] == "What you can do next"
