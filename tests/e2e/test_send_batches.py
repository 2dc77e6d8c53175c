"""Sends that reach the SQLite writer together are committed as one batch, and each one is still
answered exactly as if it had been sent alone: its own error, the original message for a retry,
contiguous sequence numbers in send order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chatbank.bootstrap import Platform, build_platform
from chatbank.config import Settings
from chatbank.core.errors import ChatbankError
from chatbank.messenger.model import Message
from chatbank.messenger.services.accounts import AuthContext
from tests.conftest import platform_settings


@dataclass(frozen=True, slots=True)
class People:
    platform: Platform
    ann: AuthContext
    ben: AuthContext
    cat: AuthContext
    direct: str  # ann and ben
    group: str  # ann, ben and cat


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return platform_settings(tmp_path)  # migrates with its own event loop: not inside ours


@pytest.fixture
async def people(settings: Settings) -> AsyncIterator[People]:
    platform = await build_platform(settings)
    try:
        auths = []
        for name in ("ann", "ben", "cat"):
            session = await platform.accounts.sign_up(f"{name}{uuid.uuid4().hex[:6]}", name,
                                                      "batch-password-1234")
            auths.append(await platform.accounts.authenticate(session.token))
        ann, ben, cat = auths
        direct = await platform.conversations.open_direct(ann, ben.user.id)
        group = await platform.conversations.create_group(ann, "trio", [ben.user.id, cat.user.id])
        yield People(platform, ann, ben, cat, direct.conversation.id, group.conversation.id)
    finally:
        await platform.close()


async def _burst(platform: Platform, sends: list[tuple[AuthContext, str, str, str, str | None]],
                 ) -> list[tuple[Message, bool] | ChatbankError]:
    """All sends handed to the writer before it runs: (who, conversation, client id, text,
    reply_to_id). Errors are returned in place, not raised."""
    answers: list[Any] = await asyncio.gather(*(
        platform.messages.send(auth, conversation, client_id, text, None, reply_to)
        for auth, conversation, client_id, text, reply_to in sends), return_exceptions=True)
    return answers


def _code(answer: object) -> str:
    assert isinstance(answer, ChatbankError), answer
    return answer.code


def _message(answer: object) -> tuple[Message, bool]:
    assert isinstance(answer, tuple), answer
    return answer


async def test_a_batch_answers_every_send_as_if_it_were_alone(people: People) -> None:
    ann, ben, cat, direct, group = people.ann, people.ben, people.cat, people.direct, people.group
    before = (await people.platform.conversations.get(ann, direct)).conversation.last_seq
    answers = await _burst(people.platform, [
        (ann, direct, "a1", "first", None),
        (cat, direct, "c1", "not my chat", None),
        (ann, direct, "a2", "second", None),
        (ann, direct, "a1", "first", None),  # a retry inside the batch
        (ann, direct, "a2", "something else", None),  # same client id, other content
        (ben, group, "b1", "to the group", None),
        (ben, direct, "b1", "reply", "msg_does_not_exist"),
        (ben, direct, "b2", "third", None),
    ])
    first, created = _message(answers[0])
    assert created and _code(answers[1]) == "conversation_not_found"
    second, third = _message(answers[2])[0], _message(answers[7])[0]
    retried, retry_created = _message(answers[3])
    assert retried.id == first.id and not retry_created
    assert _code(answers[4]) == "client_id_reused"
    assert _message(answers[5])[0].conversation_id == group
    assert _code(answers[6]) == "reply_target_not_found"
    assert [first.seq, second.seq, third.seq] == [before + 1, before + 2, before + 3]
    assert len({first.created_at, second.created_at, third.created_at}) == 1  # one batch
    history = await people.platform.messages.history(ben, direct, None, 50)
    assert [(m.seq, m.text) for m in history if m.seq > before] == [
        (before + 1, "first"), (before + 2, "second"), (before + 3, "third")]


async def test_a_block_refuses_only_the_direct_chat_in_a_batch(people: People) -> None:
    await people.platform.accounts.block(people.ben, people.ann.user.id)
    answers = await _burst(people.platform, [
        (people.ann, people.direct, "x1", "hello?", None),
        (people.ann, people.group, "x2", "hello all", None),
    ])
    assert _code(answers[0]) == "blocked"
    assert _message(answers[1])[1]
    retry = await _burst(people.platform, [(people.ann, people.group, "x2", "hello all", None)])
    assert _message(retry[0]) == (_message(answers[1])[0], False)
