"""A user's first minutes: sign up, find a friend, chat, and see it arrive in real time."""

from __future__ import annotations

from tests.support.api import Api, next_frame


async def test_direct_chat_message_arrives_on_the_other_users_socket(alice: Api, bob: Api) -> None:
    conversation_id = await alice.direct_with(bob)
    async with bob.socket() as ws:
        await ws.send('{"type":"resume","cursors":{}}')
        await next_frame(ws, "resumed")
        sent = await alice.send(conversation_id, "hi Bob")
        frame = await next_frame(ws, "event")
    assert frame["kind"] == "message.new"
    assert frame["payload"]["text"] == "hi Bob"
    assert frame["seq"] == sent["seq"]


async def test_opening_a_direct_chat_twice_returns_the_same_conversation(alice: Api,
                                                                        bob: Api) -> None:
    assert await alice.direct_with(bob) == await bob.direct_with(alice)
