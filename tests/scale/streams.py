"""Helpers for scale tests: users on chosen instances and what their sockets receive."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from tests.scale.cluster import Instance
from tests.support.api import Api


class Users:
    """Signs users up on chosen instances and closes every client they opened."""

    def __init__(self) -> None:
        self._clients: list[Api] = []

    async def sign_up(self, instance: Instance, display_name: str) -> Api:
        api = await Api.sign_up(instance.url, display_name=display_name)
        self._clients.append(api)
        return api

    def same_user_on(self, api: Api, instance: Instance) -> Api:
        """The same logged-in user (same bearer token), talking to another instance."""
        other = Api(instance.url, api.token, api.user)
        self._clients.append(other)
        return other

    async def close(self) -> None:
        for api in self._clients:
            await api.close()


@contextlib.asynccontextmanager
async def resumed_socket(api: Api, cursors: dict[str, int] | None = None
                         ) -> AsyncIterator[Any]:
    """A socket that has resumed from `cursors` (and so tracks those conversations)."""
    async with api.socket() as ws:
        await ws.send(json.dumps({"type": "resume", "cursors": cursors or {}}))
        while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "resumed":
            pass
        yield ws


async def caught_up(api: Api, cursors: dict[str, int]) -> list[dict[str, Any]]:
    """What a returning client is sent when it resumes from `cursors`, before `resumed`."""
    async with api.socket() as ws:
        await ws.send(json.dumps({"type": "resume", "cursors": cursors}))
        frames = await frames_until(ws, lambda fs: fs and fs[-1]["type"] == "resumed")
    return [f for f in frames if f["type"] == "event"]


async def frames_until(ws: Any, done: Any, timeout_s: float = 15.0) -> list[dict[str, Any]]:
    """Every frame received until `done(frames)` is true."""
    frames: list[dict[str, Any]] = []

    async def read() -> None:
        while not done(frames):
            frames.append(json.loads(await ws.recv()))

    try:
        await asyncio.wait_for(read(), timeout_s)
    except TimeoutError:
        raise AssertionError(f"gave up after {timeout_s} s with {len(frames)} frames: "
                             f"{frames[-5:]}") from None
    return frames


async def events_until(ws: Any, conversation_id: str, last_seq: int,
                       timeout_s: float = 15.0) -> list[dict[str, Any]]:
    """The conversation's event frames received until one with `last_seq` arrives."""
    frames = await frames_until(ws, lambda fs: any(
        f.get("type") == "event" and f["conversation_id"] == conversation_id
        and f["seq"] >= last_seq for f in fs), timeout_s)
    return [f for f in frames if f.get("type") == "event" and
            f["conversation_id"] == conversation_id]


async def quiet_frames(ws: Any, quiet_s: float = 0.3) -> list[dict[str, Any]]:
    """Frames still arriving: everything until the socket stays quiet for `quiet_s`."""
    frames: list[dict[str, Any]] = []
    while True:
        try:
            frames.append(json.loads(await asyncio.wait_for(ws.recv(), quiet_s)))
        except TimeoutError:
            return frames
