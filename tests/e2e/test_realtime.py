"""Real time over the WebSocket: resume without loss or duplicates, receipts, typing, errors."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from tests.support.api import Api, next_frame


async def resume(ws: object, cursors: dict[str, int]) -> list[dict[str, object]]:
    """Send a resume frame; return the events replayed before `resumed`."""
    await ws.send(json.dumps({"type": "resume", "cursors": cursors}))  # type: ignore[attr-defined]
    replayed = []
    while True:
        frame = await next_frame(ws)
        if frame["type"] == "resumed":
            return replayed
        replayed.append(frame)


async def test_reconnecting_client_gets_everything_it_missed_in_order(alice: Api,
                                                                      bob: Api) -> None:
    conv = await alice.direct_with(bob)
    async with bob.socket() as ws:
        await resume(ws, {conv: 0})
        await alice.send(conv, "m1")
        first = await next_frame(ws, "event")
    seen = first["seq"]
    for i in range(2, 7):
        await alice.send(conv, f"m{i}")
    async with bob.socket() as ws:
        replayed = await resume(ws, {conv: seen})
        await alice.send(conv, "m7")
        live = await next_frame(ws, "event")
    texts = [f["payload"]["text"] for f in replayed] + [live["payload"]["text"]]
    assert texts == ["m2", "m3", "m4", "m5", "m6", "m7"]
    seqs = [f["seq"] for f in replayed] + [live["seq"]]
    assert seqs == list(range(seen + 1, seen + 7))


async def test_live_events_during_resume_are_neither_lost_nor_duplicated(alice: Api,
                                                                         bob: Api) -> None:
    conv = await alice.direct_with(bob)
    for i in range(30):
        await alice.send(conv, f"old{i}")
    async with bob.socket() as ws:
        sender = asyncio.gather(*[alice.send(conv, f"new{i}") for i in range(20)])
        frames = await resume(ws, {conv: 0})
        await sender
        while len([f for f in frames if f.get("kind") == "message.new"]) < 50:
            frames.append(await next_frame(ws, "event"))
    seqs = [f["seq"] for f in frames]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    assert seqs == list(range(1, seqs[-1] + 1))


async def test_sending_over_the_socket_is_acked_and_idempotent(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    async with alice.socket() as ws:
        frame = {"type": "send", "ref": 1, "conversation_id": conv, "client_id": "ws-1",
                 "text": "via socket"}
        await ws.send(json.dumps(frame))
        ack1 = await next_frame(ws, "ack")
        await ws.send(json.dumps(frame | {"ref": 2}))
        ack2 = await next_frame(ws, "ack")
    assert ack1["message"]["id"] == ack2["message"]["id"] and ack2["ref"] == 2
    history = await bob.call("GET", f"/conversations/{conv}/messages", expect=200)
    assert [m["text"] for m in history["messages"]] == ["via socket"]


async def test_live_frames_of_every_length_arrive_whole(alice: Api, bob: Api) -> None:
    # Live frames are framed by `ws_protocol.text_frame_header`: a pong is under 126 bytes, a
    # message event over it, and 4,000 three-byte characters need the 16-bit length.
    conv = await alice.direct_with(bob)
    texts = ["a", "€" * 4000, "b" * 3000]
    async with bob.socket() as ws:
        await resume(ws, {conv: 0})
        for text in texts:
            await alice.send(conv, text)
        received = [(await next_frame(ws, "event"))["payload"]["text"] for _ in texts]
        await ws.send(json.dumps({"type": "ping", "ref": 7}))
        pong = await next_frame(ws, "pong")
    assert received == texts
    assert pong == {"type": "pong", "ref": 7}


async def test_read_receipts_and_typing_reach_the_other_member(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    sent = await alice.send(conv, "did you read this?")
    async with alice.socket() as ws_alice, bob.socket() as ws_bob:
        await resume(ws_alice, {})
        await resume(ws_bob, {})
        await ws_bob.send(json.dumps({"type": "typing", "conversation_id": conv}))
        typing = await next_frame(ws_alice, "typing")
        await ws_bob.send(json.dumps({"type": "read", "conversation_id": conv,
                                      "seq": sent["seq"]}))
        receipt = await next_frame(ws_alice, "receipt")
    assert typing["user_id"] == bob.id
    assert receipt == {"type": "receipt", "conversation_id": conv, "user_id": bob.id,
                       "read": sent["seq"]}
    members = (await alice.call("GET", f"/conversations/{conv}", expect=200))[
        "conversation"]["members"]
    assert {m["id"]: m["read_seq"] for m in members}[bob.id] == sent["seq"]


async def test_bad_frames_get_coded_errors_and_the_socket_stays_open(alice: Api,
                                                                     carol: Api) -> None:
    conv = await alice.direct_with(carol)
    async with alice.socket() as ws:
        for raw, code in [
            ("{nope", "malformed_json"),
            ("[1,2]", "invalid_frame"),
            ('{"type":"fly"}', "unknown_frame_type"),
            ('{"type":"resume","cursors":{"x":-1}}', "invalid_frame"),
            ('{"type":"send","conversation_id":"cnv_x","client_id":"a","text":"hi"}',
             "conversation_not_found"),
            (json.dumps({"type": "send", "conversation_id": conv, "client_id": "b",
                         "text": "x" * 5000}), "message_too_long"),
            ("x" * 40_000, "frame_too_large"),
        ]:
            await ws.send(raw)
            error = await next_frame(ws, "error")
            assert error["code"] == code, raw
        await ws.send('{"type":"ping","ref":"p"}')
        assert (await next_frame(ws, "pong"))["ref"] == "p"


async def test_outsiders_cannot_resume_or_post_into_a_conversation(alice: Api, bob: Api,
                                                                   carol: Api) -> None:
    conv = await alice.direct_with(bob)
    await alice.send(conv, "secret")
    async with carol.socket() as ws:
        replayed = await resume(ws, {conv: 0})
        await ws.send(json.dumps({"type": "read", "conversation_id": conv, "seq": 1}))
        error = await next_frame(ws, "error")
    assert replayed == []
    assert error["code"] == "conversation_not_found"


async def test_sockets_without_valid_credentials_are_closed_with_4401(platform_url: str) -> None:
    ws_url = platform_url.replace("http://", "ws://") + "/ws"
    async with websockets.connect(ws_url, additional_headers={
            "Authorization": "Bearer not-a-token"}) as ws:
        with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_cookie_sockets_from_another_origin_are_refused(platform_url: str,
                                                              alice: Api) -> None:
    ws_url = platform_url.replace("http://", "ws://") + "/ws"
    async with websockets.connect(ws_url, origin="http://evil.example",  # type: ignore[arg-type]
                                  additional_headers={"Cookie": f"cb_session={alice.token}"}) as ws:
        with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
            await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
    async with websockets.connect(ws_url, origin=platform_url,  # type: ignore[arg-type]
                                  additional_headers={"Cookie": f"cb_session={alice.token}"}) as ws:
        await ws.send('{"type":"ping"}')
        assert (await next_frame(ws, "pong"))["type"] == "pong"


async def test_events_between_connect_and_resume_are_delivered_once(alice: Api, bob: Api) -> None:
    conv = await alice.direct_with(bob)
    first = await alice.send(conv, "before connect")
    async with bob.socket() as ws:
        await alice.send(conv, "after connect, before resume")
        replayed = await resume(ws, {conv: first["seq"] - 1})
        await alice.send(conv, "after resume")
        live = await next_frame(ws, "event")
    seqs = [f["seq"] for f in replayed] + [live["seq"]]
    assert seqs == sorted(set(seqs)) and len(seqs) == 3
