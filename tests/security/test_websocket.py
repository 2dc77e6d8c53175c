"""The WebSocket refuses every conversation frame from someone not in the conversation."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.support.api import Api, next_frame

CONVERSATION_FRAMES = [
    {"type": "send", "client_id": "intruder-1", "text": "let me in"},
    {"type": "read", "seq": 1},
    {"type": "delivered", "seq": 1},
    {"type": "typing"},
]


async def quiet_for(ws: Any, seconds: float) -> list[dict[str, Any]]:
    """Frames arriving within `seconds` (pings aside): there should be none."""
    frames: list[dict[str, Any]] = []
    try:
        while True:
            frame = await next_frame(ws, timeout_s=seconds)
            if frame.get("type") != "pong":
                frames.append(frame)
    except TimeoutError:
        return frames


async def test_an_outsiders_frames_for_a_conversation_are_refused_and_reach_no_one(
        alice: Api, bob: Api, carol: Api) -> None:
    conversation = await alice.direct_with(bob)
    await alice.send(conversation, "just between us")
    history = await bob.call("GET", f"/conversations/{conversation}/messages", expect=200)
    async with carol.socket() as intruder, bob.socket() as member:
        await member.send(json.dumps({"type": "resume", "cursors": {conversation: 1}}))
        await next_frame(member, "resumed")
        for frame in CONVERSATION_FRAMES:
            await intruder.send(json.dumps({**frame, "conversation_id": conversation,
                                            "ref": frame["type"]}))
            error = await next_frame(intruder, "error")
            assert (error["code"], error["ref"]) == ("conversation_not_found", frame["type"])
        assert await quiet_for(member, 0.5) == []
    after = await bob.call("GET", f"/conversations/{conversation}/messages", expect=200)
    assert after == history


async def test_an_outsider_resuming_a_conversation_gets_nothing_of_it(
        alice: Api, bob: Api, carol: Api) -> None:
    conversation = await alice.direct_with(bob)
    sent = await alice.send(conversation, "the door code is 4321")
    async with carol.socket() as intruder:
        await intruder.send(json.dumps({"type": "resume", "cursors": {conversation: 0}}))
        frames = []
        while (frame := await next_frame(intruder))["type"] != "resumed":
            frames.append(frame)
        await alice.send(conversation, "and the alarm is off")
        frames += await quiet_for(intruder, 0.5)
    assert sent["id"] not in json.dumps(frames) and "4321" not in json.dumps(frames)
    assert "alarm" not in json.dumps(frames)


async def test_a_frame_nested_too_deep_to_parse_is_a_coded_error_and_the_socket_lives(
        alice: Api) -> None:
    async with alice.socket() as ws:
        await ws.send("[" * 16_000 + "]" * 16_000)
        assert (await next_frame(ws, "error"))["code"] == "malformed_json"
        await ws.send('{"type":"ping","ref":"still-here"}')
        assert (await asyncio.wait_for(next_frame(ws, "pong"), 10))["ref"] == "still-here"


async def test_a_lone_surrogate_escape_is_a_coded_error_and_nothing_is_stored(
        alice: Api, bob: Api) -> None:
    conversation = await alice.direct_with(bob)
    async with alice.socket() as ws:
        await ws.send(json.dumps({"type": "send", "ref": "s1", "conversation_id": conversation,
                                  "client_id": "surrogate-1", "text": "broken \ud800 text"}))
        error = await next_frame(ws, "error")
        assert (error["code"], error["ref"]) == ("malformed_json", None)
        await ws.send('{"type":"ping","ref":"still-here"}')
        assert (await asyncio.wait_for(next_frame(ws, "pong"), 10))["ref"] == "still-here"
    history = await alice.call("GET", f"/conversations/{conversation}/messages", expect=200)
    assert "broken" not in json.dumps(history)


async def test_a_binary_frame_is_a_coded_error_and_the_socket_lives(alice: Api) -> None:
    async with alice.socket() as ws:
        await ws.send(b'{"type":"ping","ref":"binary"}')
        assert (await next_frame(ws, "error"))["code"] == "invalid_frame"
        await ws.send('{"type":"ping","ref":"still-here"}')
        assert (await asyncio.wait_for(next_frame(ws, "pong"), 10))["ref"] == "still-here"
